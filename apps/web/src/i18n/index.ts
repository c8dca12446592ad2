import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import { setApiLanguage } from '../api/client.ts'
import { translations } from './resources.ts'

export const LANGUAGES = ['de', 'en'] as const
export type UiLanguage = (typeof LANGUAGES)[number]

const STORAGE_KEY = 'tresen.language'

/** German when the browser prefers German (or nothing we know), English when it prefers English. */
export const browserLanguage = (preferred: readonly string[] = navigator.languages ?? []): UiLanguage => {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0]
    if (base === 'de' || base === 'en') return base
  }
  return 'de'
}

const initial = (): UiLanguage => {
  const stored = localStorage.getItem(STORAGE_KEY)
  return stored === 'de' || stored === 'en' ? stored : browserLanguage()
}

export const i18n = i18next.createInstance()
void i18n.use(initReactI18next).init({
  resources: { de: { translation: translations.de }, en: { translation: translations.en } },
  lng: initial(),
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
})

const apply = (lang: UiLanguage) => {
  document.documentElement.lang = lang
  setApiLanguage(lang)
}
apply(i18n.language as UiLanguage)

/** Switches the UI language; remembered in this browser for the sign-in page. */
export const setLanguage = async (lang: UiLanguage) => {
  localStorage.setItem(STORAGE_KEY, lang)
  apply(lang)
  if (i18n.language !== lang) await i18n.changeLanguage(lang)
}
