import {
  ActionIcon,
  AppShell,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  SegmentedControl,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core'
import { useDisclosure, useHotkeys } from '@mantine/hooks'
import {
  IconBolt,
  IconBuilding,
  IconCalendarTime,
  IconClockHour4,
  IconForms,
  IconInbox,
  IconKeyboard,
  IconLayoutDashboard,
  IconLifebuoy,
  IconListDetails,
  IconLogout,
  IconMail,
  IconSearch,
  IconShieldLock,
  IconStar,
  IconTemplate,
  IconUser,
  IconUsers,
  IconUsersGroup,
  IconWebhook,
} from '@tabler/icons-react'
import { type ReactNode, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useLocation, useNavigate } from 'react-router'
import { api } from '../api/client.ts'
import { useSavedViews, useTeams } from '../api/queries.ts'
import { EscalationNotifier } from '../features/escalations/EscalationNotifier.tsx'
import { setLanguage, type UiLanguage } from '../i18n/index.ts'
import { builtInViews, savedViewToInbox } from '../lib/views.ts'
import { LiveProvider } from '../live/LiveProvider.tsx'
import { useSession } from '../session.tsx'
import { ConnectionBanner } from './ConnectionBanner.tsx'
import { ShortcutsModal } from './ShortcutsModal.tsx'

export const useInboxViews = () => {
  const { me, isSupervisor } = useSession()
  const teams = useTeams()
  const saved = useSavedViews()
  return [...builtInViews(me, isSupervisor, teams.data ?? []), ...(saved.data ?? []).map(savedViewToInbox)]
}

export const LanguageSwitch = () => {
  const { t, i18n } = useTranslation()
  const session = useSession()
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('common.language')}
      value={i18n.language}
      data={[
        { value: 'de', label: 'DE' },
        { value: 'en', label: 'EN' },
      ]}
      onChange={(value) => {
        void setLanguage(value as UiLanguage)
        // Remembered for the person, so emails and the next sign-in use it too.
        void api('/me', { method: 'PATCH', body: { language: value } }).catch(() => undefined)
        void session
      }}
    />
  )
}

const Navigation = ({ onNavigate }: { onNavigate: () => void }) => {
  const { t } = useTranslation()
  const location = useLocation()
  const { isAdmin, isSupervisor } = useSession()
  const views = useInboxViews()
  const section = (group: string) => views.filter((v) => v.group === group)
  const link = (to: string, label: string, icon: ReactNode, testId?: string, section = false) => (
    <NavLink
      key={to}
      component={Link}
      to={to}
      label={label}
      leftSection={icon}
      active={location.pathname === to || (section && location.pathname.startsWith(`${to}/`))}
      onClick={onNavigate}
      data-testid={testId}
    />
  )
  const viewLinks = (group: string) =>
    section(group).map((v) =>
      link(
        `/inbox/${v.key}`,
        'key' in v.label ? t(v.label.key) : v.label.text,
        group === 'saved' ? <IconStar size={16} aria-hidden /> : <IconInbox size={16} aria-hidden />,
        `view-${v.key}`,
      ),
    )
  return (
    <nav aria-label={t('nav.label')}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="xs">
        {t('nav.views')}
      </Text>
      {viewLinks('personal')}
      {section('team').length > 0 && (
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md">
          {t('nav.teams')}
        </Text>
      )}
      {viewLinks('team')}
      {section('saved').length > 0 && (
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md">
          {t('nav.saved')}
        </Text>
      )}
      {viewLinks('saved')}
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md">
        {t('nav.directory')}
      </Text>
      {isSupervisor &&
        link(
          '/supervisor',
          t('escalations.board.nav'),
          <IconLayoutDashboard size={16} aria-hidden />,
          'nav-supervisor',
        )}
      {link('/customers', t('nav.customers'), <IconBuilding size={16} aria-hidden />)}
      {link('/text-modules', t('textModules.nav'), <IconTemplate size={16} aria-hidden />)}
      {isSupervisor && link('/admin/macros', t('macros.nav'), <IconBolt size={16} aria-hidden />)}
      {isAdmin && link('/admin/users', t('nav.users'), <IconUsers size={16} aria-hidden />)}
      {isAdmin && link('/admin/teams', t('nav.teamsAdmin'), <IconUsersGroup size={16} aria-hidden />)}
      {isAdmin && link('/admin/fields', t('customFields.nav'), <IconForms size={16} aria-hidden />)}
      {isAdmin &&
        link(
          '/admin/calendars',
          t('calendars.nav'),
          <IconCalendarTime size={16} aria-hidden />,
          'nav-calendars',
        )}
      {isAdmin &&
        link(
          '/admin/sla-policies',
          t('promises.admin.nav'),
          <IconClockHour4 size={16} aria-hidden />,
          'nav-sla-policies',
        )}
      {isAdmin &&
        link(
          '/admin/escalations',
          t('escalations.admin.nav'),
          <IconLifebuoy size={16} aria-hidden />,
          'nav-escalations',
        )}
      {isAdmin &&
        link(
          '/admin/email',
          t('nav.emailAdmin'),
          <IconMail size={16} aria-hidden />,
          'nav-email-admin',
          true,
        )}
      {isAdmin && link('/admin/audit', t('audit.nav'), <IconListDetails size={16} aria-hidden />)}
      {isAdmin &&
        link('/admin/webhooks', t('webhooks.nav'), <IconWebhook size={16} aria-hidden />, 'nav-webhooks')}
      {isAdmin && link('/admin/sign-in', t('signInSettings.nav'), <IconShieldLock size={16} aria-hidden />)}
    </nav>
  )
}

export const Layout = ({ children }: { children: ReactNode }) => {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const { me, signOut } = useSession()
  const [opened, { toggle, close }] = useDisclosure()
  const [shortcuts, setShortcuts] = useState(false)
  const [search, setSearch] = useState('')
  const searchRef = useRef<HTMLInputElement>(null)

  useHotkeys([
    ['shift+?', () => setShortcuts(true)],
    ['/', () => searchRef.current?.focus()],
  ])

  return (
    <LiveProvider>
      <EscalationNotifier />
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group wrap="nowrap" gap="sm">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={t('nav.toggle')}
              />
              <UnstyledButton component={Link} to="/" aria-label={t('nav.home')} visibleFrom="xs">
                <Title order={2} size="h4">
                  Tresen
                </Title>
              </UnstyledButton>
            </Group>
            <form
              aria-label={t('search.label')}
              onSubmit={(e) => {
                e.preventDefault()
                const q = search.trim()
                if (q) navigate(`/inbox/search?q=${encodeURIComponent(q)}`)
              }}
              style={{ flex: 1, minWidth: 120, maxWidth: 420 }}
            >
              <TextInput
                ref={searchRef}
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
                placeholder={t('search.placeholder')}
                aria-label={t('search.label')}
                leftSection={<IconSearch size={16} aria-hidden />}
              />
            </form>
            <Group gap="xs" wrap="nowrap">
              <LanguageSwitch />
              <ActionIcon
                variant="subtle"
                visibleFrom="sm"
                onClick={() => setShortcuts(true)}
                aria-label={t('shortcuts.title')}
                title={t('shortcuts.title')}
              >
                <IconKeyboard size={18} aria-hidden />
              </ActionIcon>
              <Menu position="bottom-end">
                <Menu.Target>
                  <ActionIcon
                    variant="light"
                    aria-label={t('nav.account', { name: me.name })}
                    data-testid="account-menu"
                  >
                    <IconUser size={18} aria-hidden />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Label>{me.name}</Menu.Label>
                  <Menu.Item component={Link} to="/profile" leftSection={<IconUser size={14} aria-hidden />}>
                    {t('nav.profile')}
                  </Menu.Item>
                  <Menu.Item
                    leftSection={<IconLogout size={14} aria-hidden />}
                    onClick={() => void signOut().then(() => navigate('/sign-in'))}
                  >
                    {t('nav.signOut')}
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs">
          <AppShell.Section grow component={ScrollArea}>
            <Navigation onNavigate={close} />
          </AppShell.Section>
        </AppShell.Navbar>
        <AppShell.Main>
          <ConnectionBanner />
          <main>{children}</main>
        </AppShell.Main>
      </AppShell>
      <ShortcutsModal opened={shortcuts} onClose={() => setShortcuts(false)} />
    </LiveProvider>
  )
}
