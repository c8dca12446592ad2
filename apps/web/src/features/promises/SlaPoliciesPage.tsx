import { ActionIcon, Badge, Button, Group, Modal, Stack, Switch, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useTeams } from '../../api/queries.ts'
import { ErrorPage } from '../../components/ErrorPage.tsx'
import { duration } from '../../lib/format.ts'
import { useSession } from '../../session.tsx'
import { type SlaPolicy, useSlaPolicies, useSlaPolicyMutations } from './api.ts'
import { TARGET_KEYS } from './promise-format.ts'
import { SlaPolicyModal } from './SlaPolicyModal.tsx'

/** Admins set the response-target policies: in order, create, change, switch on and off, reorder, delete. */
const SlaPoliciesPage = () => {
  const { t, i18n } = useTranslation()
  const { isAdmin } = useSession()
  const policies = useSlaPolicies(isAdmin)
  const teams = useTeams()
  const m = useSlaPolicyMutations()
  const [editing, setEditing] = useState<SlaPolicy | 'new' | null>(null)
  const [deleting, setDeleting] = useState<SlaPolicy | null>(null)
  if (!isAdmin) return <ErrorPage kind="forbidden" />
  const all = policies.data ?? []
  const teamName = new Map((teams.data ?? []).map((x) => [x.id, x.name]))
  const fail = (err: Error) => notifications.show({ color: 'red', message: err.message })

  const move = (policy: SlaPolicy, delta: number) => {
    const ordered = [...all]
    const from = ordered.findIndex((p) => p.id === policy.id)
    const to = from + delta
    if (from < 0 || to < 0 || to >= ordered.length) return
    ordered.splice(to, 0, ...ordered.splice(from, 1))
    m.reorder.mutate(ordered, { onError: fail })
  }

  const conditions = (p: SlaPolicy) => {
    const c = p.conditions
    const parts = [
      c.channels?.length ? c.channels.map((x) => t(`channel.${x}`, { defaultValue: x })).join(', ') : '',
      c.priorities?.length ? c.priorities.map((x) => t(`priority.${x}`)).join(', ') : '',
      c.teamIds?.length ? c.teamIds.map((id) => teamName.get(id) ?? '?').join(', ') : '',
      c.organizationIds?.length
        ? `${t('promises.admin.form.organizations')}: ${c.organizationIds.length}`
        : '',
      c.tags?.length ? c.tags.map((x) => `#${x}`).join(' ') : '',
    ].filter(Boolean)
    return parts.length ? parts.join(' · ') : t('promises.admin.everyTicket')
  }
  const targets = (p: SlaPolicy) =>
    TARGET_KEYS.filter((k) => p.targets[k])
      .map((k) => {
        const target = p.targets[k]!
        return `${t(`promises.kind.${k}`)}: ${duration(target.minutes * 60_000, i18n.language)} (${t(
          target.business ? 'promises.clock.business' : 'promises.clock.wall',
        )})`
      })
      .join(' · ') || t('promises.admin.noTargets')

  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('promises.admin.title')}
        </Title>
        <Button onClick={() => setEditing('new')} data-testid="sla-policy-new">
          {t('promises.admin.new')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('promises.admin.intro')}
      </Text>
      <Table aria-label={t('promises.admin.title')} data-testid="sla-policies-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('promises.admin.order')}</Table.Th>
            <Table.Th>{t('promises.admin.name')}</Table.Th>
            <Table.Th>{t('promises.admin.conditions')}</Table.Th>
            <Table.Th>{t('promises.admin.targets')}</Table.Th>
            <Table.Th>{t('promises.admin.active')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {all.map((p, n) => (
            <Table.Tr key={p.id} data-testid="sla-policy-row" data-name={p.name}>
              <Table.Td>
                <Group gap={2} wrap="nowrap">
                  <ActionIcon
                    variant="subtle"
                    aria-label={t('promises.admin.moveUp', { name: p.name })}
                    disabled={n === 0 || m.reorder.isPending}
                    onClick={() => move(p, -1)}
                  >
                    <IconArrowUp size={14} aria-hidden />
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    aria-label={t('promises.admin.moveDown', { name: p.name })}
                    disabled={n === all.length - 1 || m.reorder.isPending}
                    onClick={() => move(p, 1)}
                  >
                    <IconArrowDown size={14} aria-hidden />
                  </ActionIcon>
                </Group>
              </Table.Td>
              <Table.Td>
                <Group gap={6}>
                  <Text size="sm" fw={600}>
                    {p.name}
                  </Text>
                  {!p.active && (
                    <Badge color="gray" variant="light" c="gray.8">
                      {t('promises.admin.inactive')}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{conditions(p)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" data-testid="sla-policy-targets">
                  {targets(p)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Switch
                  aria-label={p.active ? t('promises.admin.deactivate') : t('promises.admin.activate')}
                  checked={p.active}
                  onChange={(e) =>
                    m.update.mutate(
                      { id: p.id, input: { active: e.currentTarget.checked } },
                      { onError: fail },
                    )
                  }
                  data-testid="sla-policy-active"
                />
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap" justify="flex-end">
                  <Button
                    size="xs"
                    variant="subtle"
                    onClick={() => setEditing(p)}
                    data-testid="sla-policy-edit"
                  >
                    {t('promises.admin.edit')}
                  </Button>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    c="red.9"
                    onClick={() => setDeleting(p)}
                    data-testid="sla-policy-delete"
                  >
                    {t('promises.admin.delete')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {policies.isSuccess && all.length === 0 && <Text c="dimmed">{t('promises.admin.none')}</Text>}
      {policies.isError && <Text c="red.9">{policies.error.message}</Text>}
      {editing && (
        <SlaPolicyModal policy={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      )}
      <Modal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t('promises.admin.delete')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Stack>
          <Text size="sm">{t('promises.admin.deleteConfirm', { name: deleting?.name ?? '' })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t('promises.admin.form.cancel')}
            </Button>
            <Button
              color="red.9"
              loading={m.remove.isPending}
              onClick={() =>
                deleting &&
                m.remove.mutate(deleting.id, {
                  onSuccess: () => {
                    notifications.show({ color: 'blue', message: t('promises.admin.deleted') })
                    setDeleting(null)
                  },
                  onError: fail,
                })
              }
              data-testid="sla-policy-delete-confirm"
            >
              {t('promises.admin.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}

export default SlaPoliciesPage
