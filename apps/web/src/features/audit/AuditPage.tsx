import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconDownload, IconSearch } from '@tabler/icons-react'
import { Fragment, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorPage } from '../../components/ErrorPage.tsx'
import { dateTime } from '../../lib/format.ts'
import { useSession } from '../../session.tsx'
import { type AuditFilter, type AuditRecord, auditExportUrl, useAuditLog } from './api.ts'

/** Families of actions an admin filters by; the action names start with them. */
const FAMILIES = [
  'staff',
  'team',
  'email_channel',
  'webhook',
  'auth',
  'api_token',
  'sign_in_settings',
  'sso_provider',
  'text_module',
  'macro',
  'ticket_field',
] as const

const Changes = ({ record }: { record: AuditRecord }) => {
  const { t } = useTranslation()
  const fields = [...new Set([...Object.keys(record.before ?? {}), ...Object.keys(record.after ?? {})])]
  if (fields.length === 0)
    return (
      <Text size="xs" c="dimmed">
        –
      </Text>
    )
  const show = (v: unknown) => (v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v))
  return (
    <Table withRowBorders={false} verticalSpacing={2} fz="xs" aria-label={t('audit.changes')}>
      <Table.Tbody>
        {fields.map((f) => (
          <Table.Tr key={f}>
            <Table.Td>
              <Code>{f}</Code>
            </Table.Td>
            <Table.Td style={{ wordBreak: 'break-word' }}>
              {record.before ? show(record.before[f]) : ''}
            </Table.Td>
            <Table.Td style={{ wordBreak: 'break-word' }}>{show(record.after?.[f])}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

/** The audit log for admins: who changed what, when and from where; searchable, exportable as CSV. */
const AuditPage = () => {
  const { t, i18n } = useTranslation()
  const { isAdmin } = useSession()
  const [q, setQ] = useState('')
  const [family, setFamily] = useState<string | null>(null)
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [open, setOpen] = useState<number | null>(null)
  const [debounced] = useDebouncedValue(q, 300)
  const filter: AuditFilter = {
    q: debounced.trim() || undefined,
    action: family ? `${family}.` : undefined,
    from: from || undefined,
    to: to || undefined,
  }
  const log = useAuditLog(filter)
  if (!isAdmin) return <ErrorPage kind="forbidden" />
  const records = log.data?.pages.flatMap((p) => p.items) ?? []
  const total = log.data?.pages[0]?.total
  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('audit.title')}
        </Title>
        <Button
          component="a"
          href={auditExportUrl(filter, i18n.language)}
          download
          variant="light"
          leftSection={<IconDownload size={16} aria-hidden />}
        >
          {t('audit.export')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('audit.intro')}
      </Text>
      <Group align="end">
        <TextInput
          label={t('audit.search')}
          placeholder={t('audit.searchHint')}
          leftSection={<IconSearch size={14} aria-hidden />}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={280}
        />
        <Select
          label={t('audit.area')}
          placeholder={t('audit.allAreas')}
          data={FAMILIES.map((f) => ({ value: f, label: t(`audit.family.${f}`) }))}
          value={family}
          onChange={setFamily}
          clearable
          w={220}
        />
        <TextInput
          type="date"
          label={t('audit.from')}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label={t('audit.to')}
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
        />
      </Group>
      {log.isError && <Alert color="red">{t('audit.loadFailed')}</Alert>}
      {total !== undefined && (
        <Text size="sm" aria-live="polite">
          {t('audit.count', { count: total })}
        </Text>
      )}
      <Table aria-label={t('audit.title')} striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.when')}</Table.Th>
            <Table.Th>{t('audit.who')}</Table.Th>
            <Table.Th>{t('audit.what')}</Table.Th>
            <Table.Th>{t('audit.record')}</Table.Th>
            <Table.Th>{t('audit.where')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((r) => (
            <Fragment key={r.seq}>
              <Table.Tr>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {dateTime(r.at, i18n.language)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{r.actorLabel}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" tt="none">
                    {r.action}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{r.targetLabel || r.targetId || '–'}</Text>
                  {(r.before || r.after) && (
                    <Anchor
                      component="button"
                      size="xs"
                      aria-expanded={open === r.seq}
                      onClick={() => setOpen(open === r.seq ? null : r.seq)}
                    >
                      {open === r.seq ? t('audit.hideChanges') : t('audit.showChanges')}
                    </Anchor>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{r.ip ?? t('audit.noAddress')}</Text>
                  {r.userAgent && (
                    <Text size="xs" c="dimmed" lineClamp={1} title={r.userAgent}>
                      {r.userAgent}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
              {open === r.seq && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Group gap="xl" mb={4}>
                      <Text size="xs" fw={600}>
                        {t('audit.before')}
                      </Text>
                      <Text size="xs" fw={600}>
                        {t('audit.after')}
                      </Text>
                    </Group>
                    <Changes record={r} />
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          ))}
        </Table.Tbody>
      </Table>
      {records.length === 0 && !log.isPending && <Text c="dimmed">{t('audit.empty')}</Text>}
      {log.hasNextPage && (
        <Button variant="subtle" loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
          {t('audit.more')}
        </Button>
      )}
    </Stack>
  )
}

export default AuditPage
