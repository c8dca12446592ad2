import { Alert, Stack, Text } from '@mantine/core'
import { IconCircleCheck, IconCircleX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { ConnectionCheck } from '../../api/types.ts'

/** How signing in to each configured server went: green or red, with the server's words. */
export const ConnectionCheckResults = ({ result }: { result: ConnectionCheck }) => {
  const { t } = useTranslation()
  const rows = [
    ['imap', t('email.check.imap'), result.imap],
    ['smtp', t('email.check.smtp'), result.smtp],
  ] as const
  return (
    <Stack gap="xs" data-testid="check-results">
      {rows.map(([key, label, r]) =>
        r ? (
          <Alert
            key={key}
            color={r.ok ? 'green' : 'red'}
            title={`${label}: ${r.ok ? t('email.check.ok') : t('email.check.failed')}`}
            icon={r.ok ? <IconCircleCheck size={18} aria-hidden /> : <IconCircleX size={18} aria-hidden />}
            data-testid={`check-${key}`}
            data-ok={r.ok}
          >
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {r.detail}
            </Text>
          </Alert>
        ) : (
          <Text key={key} size="sm" c="dimmed">
            {label}: {t('email.check.notConfigured')}
          </Text>
        ),
      )}
    </Stack>
  )
}
