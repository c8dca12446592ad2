import { ActionIcon, Badge, Button, Group, Stack, Switch, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useTeams } from '../../api/queries.ts'
import { ErrorPage } from '../../components/ErrorPage.tsx'
import { useSession } from '../../session.tsx'
import { type TicketField, useFieldMutations, useTicketFields } from './api.ts'
import { FieldModal } from './FieldModal.tsx'
import { inLanguage } from './field-helpers.ts'

/** Admins define the custom ticket fields: list in order, create, change, reorder, archive. */
const FieldsAdminPage = () => {
  const { t, i18n } = useTranslation()
  const { isAdmin } = useSession()
  const [showArchived, setShowArchived] = useState(false)
  const fields = useTicketFields(true)
  const teams = useTeams()
  const m = useFieldMutations()
  const [editing, setEditing] = useState<TicketField | 'new' | null>(null)
  if (!isAdmin) return <ErrorPage kind="forbidden" />
  const all = fields.data ?? []
  const active = all.filter((f) => !f.archived)
  const shown = showArchived ? all : active
  const teamName = new Map((teams.data ?? []).map((x) => [x.id, x.name]))
  const fail = (err: Error) => notifications.show({ color: 'red', message: err.message })
  const move = (field: TicketField, delta: number) => {
    const ids = active.map((f) => f.id)
    const from = ids.indexOf(field.id)
    const to = from + delta
    if (from < 0 || to < 0 || to >= ids.length) return
    ids.splice(to, 0, ...ids.splice(from, 1))
    m.reorder.mutate(ids, { onError: fail })
  }
  const required = (f: TicketField) =>
    f.required === 'all'
      ? t('customFields.requiredFor.all')
      : f.required === 'teams'
        ? f.requiredTeamIds.map((id) => teamName.get(id) ?? '?').join(', ')
        : '–'

  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('customFields.title')}
        </Title>
        <Group>
          <Switch
            label={t('customFields.showArchived')}
            checked={showArchived}
            onChange={(e) => setShowArchived(e.currentTarget.checked)}
          />
          <Button onClick={() => setEditing('new')} data-testid="field-new">
            {t('customFields.new')}
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        {t('customFields.intro')}
      </Text>
      <Table aria-label={t('customFields.title')} data-testid="fields-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('customFields.order')}</Table.Th>
            <Table.Th>{t('customFields.label')}</Table.Th>
            <Table.Th>{t('customFields.key')}</Table.Th>
            <Table.Th>{t('customFields.type')}</Table.Th>
            <Table.Th>{t('customFields.required')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((f) => {
            const n = active.findIndex((x) => x.id === f.id)
            return (
              <Table.Tr key={f.id} data-testid="field-row">
                <Table.Td>
                  {!f.archived && (
                    <Group gap={2} wrap="nowrap">
                      <ActionIcon
                        variant="subtle"
                        aria-label={t('customFields.moveUp', { label: inLanguage(f.label, i18n.language) })}
                        disabled={n === 0 || m.reorder.isPending}
                        onClick={() => move(f, -1)}
                      >
                        <IconArrowUp size={14} aria-hidden />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        aria-label={t('customFields.moveDown', { label: inLanguage(f.label, i18n.language) })}
                        disabled={n === active.length - 1 || m.reorder.isPending}
                        onClick={() => move(f, 1)}
                      >
                        <IconArrowDown size={14} aria-hidden />
                      </ActionIcon>
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={6}>
                    <Text size="sm" fw={600}>
                      {inLanguage(f.label, i18n.language)}
                    </Text>
                    {f.archived && <Badge color="gray">{t('customFields.archived')}</Badge>}
                  </Group>
                  <Text size="xs" c="dimmed">
                    {inLanguage(f.description, i18n.language)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {f.key}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t(`customFields.types.${f.type}`)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{required(f)}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    <Button size="xs" variant="subtle" onClick={() => setEditing(f)}>
                      {t('common.edit')}
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      color={f.archived ? 'blue' : 'red'}
                      onClick={() =>
                        m.update.mutate({ id: f.id, input: { archived: !f.archived } }, { onError: fail })
                      }
                      data-testid="field-archive"
                    >
                      {f.archived ? t('customFields.restore') : t('customFields.archive')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
      {fields.isSuccess && shown.length === 0 && <Text c="dimmed">{t('customFields.none')}</Text>}
      {editing && (
        <FieldModal field={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      )}
    </Stack>
  )
}

export default FieldsAdminPage
