import { Badge, Button, Code, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { Fragment, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { dateTime } from '../../lib/format.ts'
import { useWebhookDeliveries, useWebhookMutations, type Webhook, type WebhookDelivery } from './api.ts'

export const statusColor = { pending: 'yellow', delivered: 'green', failed: 'red' } as const

export const DeliveryStatus = ({ status }: { status: WebhookDelivery['status'] }) => {
  const { t } = useTranslation()
  const text = {
    pending: t('webhooks.status.pending'),
    delivered: t('webhooks.status.delivered'),
    failed: t('webhooks.status.failed'),
  }[status]
  return (
    <Badge color={statusColor[status]} variant="dot" data-testid="delivery-status">
      {text}
    </Badge>
  )
}

const Attempts = ({ delivery }: { delivery: WebhookDelivery }) => {
  const { t, i18n } = useTranslation()
  return (
    <Table withTableBorder fz="xs" aria-label={t('webhooks.log.attempts')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>#</Table.Th>
          <Table.Th>{t('webhooks.log.at')}</Table.Th>
          <Table.Th>{t('webhooks.log.code')}</Table.Th>
          <Table.Th>{t('webhooks.log.duration')}</Table.Th>
          <Table.Th>{t('webhooks.log.response')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {delivery.attemptLog.map((a) => (
          <Table.Tr key={a.number}>
            <Table.Td>{a.number}</Table.Td>
            <Table.Td>{dateTime(a.at, i18n.language)}</Table.Td>
            <Table.Td>{a.statusCode ?? '–'}</Table.Td>
            <Table.Td>{t('webhooks.log.ms', { ms: a.durationMs })}</Table.Td>
            <Table.Td maw={360}>
              {a.error && (
                <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
                  {a.error}
                </Text>
              )}
              {a.responseBody ? (
                <Code block style={{ maxHeight: 120, overflow: 'auto', whiteSpace: 'pre-wrap' }}>
                  {a.responseBody}
                </Code>
              ) : null}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

/** A subscription's deliveries, newest first, with every attempt and a resend button. */
export const DeliveryLog = ({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) => {
  const { t, i18n } = useTranslation()
  const deliveries = useWebhookDeliveries(webhook.id)
  const m = useWebhookMutations()
  const [open, setOpen] = useState<string | null>(null)
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? []
  const resend = (d: WebhookDelivery) =>
    m.resend.mutate(
      { id: webhook.id, deliveryId: d.id },
      {
        onSuccess: () =>
          notifications.show({
            color: 'green',
            message: t('webhooks.log.resent'),
            closeButtonProps: { 'aria-label': t('common.close') },
          }),
        onError: (err) =>
          notifications.show({
            color: 'red',
            message: err.message,
            closeButtonProps: { 'aria-label': t('common.close') },
          }),
      },
    )
  return (
    <Modal
      opened
      onClose={onClose}
      size="xl"
      title={t('webhooks.log.title', { name: webhook.name })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {deliveries.isPending ? (
        <Loader aria-label={t('webhooks.log.title', { name: webhook.name })} />
      ) : deliveries.isError ? (
        <Text c="red">{t('webhooks.log.loadFailed')}</Text>
      ) : items.length === 0 ? (
        <Text c="dimmed">{t('webhooks.log.empty')}</Text>
      ) : (
        <Stack>
          <Table.ScrollContainer minWidth={700}>
            <Table aria-label={t('webhooks.log.title', { name: webhook.name })} verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('webhooks.log.at')}</Table.Th>
                  <Table.Th>{t('webhooks.log.type')}</Table.Th>
                  <Table.Th>{t('webhooks.log.status')}</Table.Th>
                  <Table.Th>{t('webhooks.log.code')}</Table.Th>
                  <Table.Th>{t('webhooks.log.attempts')}</Table.Th>
                  <Table.Th>{t('webhooks.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((d) => (
                  <Fragment key={d.id}>
                    <Table.Tr data-testid="delivery-row">
                      <Table.Td>{dateTime(d.createdAt, i18n.language)}</Table.Td>
                      <Table.Td>
                        <Code>{d.type}</Code>
                      </Table.Td>
                      <Table.Td>
                        <DeliveryStatus status={d.status} />
                        {d.status === 'pending' && d.nextAttemptAt && (
                          <Text size="xs" c="dimmed">
                            {t('webhooks.log.next', { when: dateTime(d.nextAttemptAt, i18n.language) })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{d.lastStatusCode ?? '–'}</Table.Td>
                      <Table.Td>{d.attempts}</Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Button
                            size="xs"
                            variant="subtle"
                            onClick={() => setOpen(open === d.id ? null : d.id)}
                            aria-expanded={open === d.id}
                          >
                            {open === d.id ? t('webhooks.log.hide') : t('webhooks.log.show')}
                          </Button>
                          <Button
                            size="xs"
                            variant="light"
                            onClick={() => resend(d)}
                            loading={m.resend.isPending && m.resend.variables?.deliveryId === d.id}
                            data-testid="delivery-resend"
                          >
                            {t('webhooks.log.resend')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                    {open === d.id && (
                      <Table.Tr>
                        <Table.Td colSpan={6}>
                          <Text size="xs" c="dimmed" mb={4}>
                            {t('webhooks.log.id', { id: d.id })}
                          </Text>
                          <Attempts delivery={d} />
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {deliveries.hasNextPage && (
            <Button
              variant="default"
              onClick={() => void deliveries.fetchNextPage()}
              loading={deliveries.isFetchingNextPage}
            >
              {t('webhooks.log.more')}
            </Button>
          )}
        </Stack>
      )}
    </Modal>
  )
}
