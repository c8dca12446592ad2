// First: starts the page's requests before the rest of the app is evaluated.
import { queryClient } from './query-client.ts'
import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import '@mantine/dropzone/styles.css'
import '@mantine/charts/styles.css'
import './app.css'
import { Alert, createTheme, MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import { BrowserRouter } from 'react-router'
import { App } from './App.tsx'
import { i18n } from './i18n/index.ts'

const theme = createTheme({
  primaryColor: 'blue',
  // Shade 9 keeps coloured text on white, and white text on colour, at 4.5:1 or more (WCAG AA).
  primaryShade: { light: 9, dark: 6 },
  defaultRadius: 'sm',
  components: {
    // A light alert's coloured title sits on a tint of its own colour (red on pink: 4.1:1); the
    // title in the text colour stays readable, the icon and the tint still tell the kind.
    Alert: Alert.extend({ styles: { title: { color: 'var(--mantine-color-text)' } } }),
  },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <Notifications position="top-right" />
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>
  </StrictMode>,
)
