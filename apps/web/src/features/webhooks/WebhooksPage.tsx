import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  Stack,
  Switch,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorPage } from '../../components/ErrorPage.tsx'
import { dateTime } from '../../lib/format.ts'
import { useSession } from '../../session.tsx'
import { useWebhookMutations, useWebhooks, type Webhook, type WebhookWithSecret } from './api.ts'
import { DeliveryLog, DeliveryStatus } from './DeliveryLog.tsx'
import { WebhookModal } from './WebhookModal.tsx'

/** The signing secret, shown once after creation or rotation, with a copy button. */
const SecretOnce = ({ created, onClose }: { created: WebhookWithSecret; onClose: () => void }) => {
  const { t } = useTranslation()
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('webhooks.secret.title', { name: created.name })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack>
        <Alert color="yellow">{t('webhooks.secret.once')}</Alert>
        <Code block data-testid="webhook-secret" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {created.secret}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={created.secret}>
            {({ copied, copy }) => (
              <Button variant="light" color={copied ? 'green' : 'blue'} onClick={copy}>
                {copied ? t('webhooks.secret.copied') : t('webhooks.secret.copy')}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onClose}>{t('common.close')}</Button>
        </Group>
      </Stack>
    </Modal>
  )
}

const WebhooksPage = () => {
  const { t, i18n } = useTranslation()
  const { isAdmin } = useSession()
  const webhooks = useWebhooks()
  const m = useWebhookMutations()
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null)
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null)
  const [log, setLog] = useState<Webhook | null>(null)
  const [removing, setRemoving] = useState<Webhook | null>(null)
  if (!isAdmin) return <ErrorPage kind="forbidden" />
  if (webhooks.isError) return <ErrorPage kind="unavailable" onRetry={() => void webhooks.refetch()} />

  const failed = (err: Error) =>
    notifications.show({
      color: 'red',
      message: err.message,
      closeButtonProps: { 'aria-label': t('common.close') },
    })
  const rotate = (w: Webhook) => m.rotate.mutate(w.id, { onSuccess: setSecret, onError: failed })
  const ping = (w: Webhook) =>
    m.ping.mutate(w.id, {
      onSuccess: () =>
        notifications.show({
          color: 'green',
          message: t('webhooks.pinged'),
          closeButtonProps: { 'aria-label': t('common.close') },
        }),
      onError: failed,
    })

  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('webhooks.title')}
        </Title>
        <Button onClick={() => setEditing('new')} data-testid="webhook-new">
          {t('webhooks.new')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('webhooks.intro')}
      </Text>
      {webhooks.isPending ? (
        <Loader aria-label={t('webhooks.title')} />
      ) : webhooks.data.length === 0 ? (
        <Text c="dimmed">{t('webhooks.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table aria-label={t('webhooks.title')} highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.form.name')}</Table.Th>
                <Table.Th>{t('webhooks.form.events')}</Table.Th>
                <Table.Th>{t('webhooks.form.active')}</Table.Th>
                <Table.Th>{t('webhooks.lastDelivery')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('webhooks.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {webhooks.data.map((w) => (
                <Table.Tr key={w.id} data-testid="webhook-row">
                  <Table.Td maw={320}>
                    <Text size="sm" fw={600}>
                      {w.name}
                    </Text>
                    <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {w.url}
                    </Text>
                    {w.allowPrivateHost && (
                      <Text size="xs" fw={600}>
                        {t('webhooks.privateAllowed', { host: w.allowPrivateHost })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td maw={240}>
                    <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                      {w.events.join(', ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      checked={w.active}
                      aria-label={t('webhooks.activeFor', { name: w.name })}
                      onChange={(e) =>
                        m.update.mutate(
                          { id: w.id, input: { active: e.currentTarget.checked } },
                          { onError: failed },
                        )
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    {w.lastDelivery ? (
                      <Stack gap={2}>
                        <Group gap={4}>
                          <DeliveryStatus status={w.lastDelivery.status} />
                          {w.lastDelivery.statusCode !== null && (
                            <Text size="xs">{w.lastDelivery.statusCode}</Text>
                          )}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {w.lastDelivery.type} · {dateTime(w.lastDelivery.at, i18n.language)}
                        </Text>
                      </Stack>
                    ) : (
                      <Text size="xs" c="dimmed">
                        {t('webhooks.noDeliveries')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Button size="xs" variant="subtle" onClick={() => setLog(w)} data-testid="webhook-log">
                        {t('webhooks.deliveries')}
                      </Button>
                      <Button size="xs" variant="subtle" onClick={() => ping(w)}>
                        {t('webhooks.ping')}
                      </Button>
                      <Button size="xs" variant="subtle" onClick={() => rotate(w)}>
                        {t('webhooks.rotate')}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => setEditing(w)}
                        aria-label={t('webhooks.editFor', { name: w.name })}
                      >
                        {t('common.edit')}
                      </Button>
                      <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(w)}>
                        {t('webhooks.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && (
        <WebhookModal
          key={editing === 'new' ? 'new' : editing.id}
          webhook={editing}
          onClose={() => setEditing(null)}
          onCreated={setSecret}
        />
      )}
      {secret && <SecretOnce created={secret} onClose={() => setSecret(null)} />}
      {log && <DeliveryLog webhook={log} onClose={() => setLog(null)} />}
      <Modal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={removing ? t('webhooks.deleteTitle', { name: removing.name }) : ''}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Stack>
          <Text size="sm">{t('webhooks.deleteText')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              loading={m.remove.isPending}
              onClick={() =>
                removing &&
                m.remove.mutate(removing.id, { onSuccess: () => setRemoving(null), onError: failed })
              }
            >
              {t('webhooks.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}

export default WebhooksPage
