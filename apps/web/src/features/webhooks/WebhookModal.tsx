import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Stack,
  Switch,
  TextInput,
} from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useWebhookEventTypes, useWebhookMutations, type Webhook, type WebhookWithSecret } from './api.ts'

/** Creates or edits a subscription; a new one hands its secret to `onCreated` (shown once). */
export const WebhookModal = ({
  webhook,
  onClose,
  onCreated,
}: {
  webhook: Webhook | 'new'
  onClose: () => void
  onCreated: (created: WebhookWithSecret) => void
}) => {
  const { t } = useTranslation()
  const existing = webhook === 'new' ? null : webhook
  const types = useWebhookEventTypes()
  const m = useWebhookMutations()
  const [name, setName] = useState(existing?.name ?? '')
  const [url, setUrl] = useState(existing?.url ?? 'https://')
  const [events, setEvents] = useState<string[]>(existing?.events ?? ['ticket.created'])
  const [active, setActive] = useState(existing?.active ?? true)
  const [privateHost, setPrivateHost] = useState(existing?.allowPrivateHost ?? '')
  const [maxAttempts, setMaxAttempts] = useState<number>(existing?.maxAttempts ?? 8)
  const [error, setError] = useState<string | null>(null)

  const deskLabels: Record<string, string> = {
    'ticket.created': t('webhooks.types.ticketCreated'),
    'ticket.updated': t('webhooks.types.ticketUpdated'),
    'ticket.solved': t('webhooks.types.ticketSolved'),
    'message.added': t('webhooks.types.messageAdded'),
  }
  const label = (type: string) => (deskLabels[type] ? `${deskLabels[type]} (${type})` : type)
  const data = [
    {
      group: t('webhooks.form.deskEvents'),
      items: (types.data ?? [])
        .filter((e) => e.group === 'desk')
        .map((e) => ({ value: e.type, label: label(e.type) })),
    },
    {
      group: t('webhooks.form.domainEvents'),
      items: (types.data ?? [])
        .filter((e) => e.group === 'domain')
        .map((e) => ({ value: e.type, label: e.type })),
    },
  ]
  const pending = m.create.isPending || m.update.isPending

  const submit = () => {
    setError(null)
    const input = {
      name: name.trim(),
      url: url.trim(),
      events,
      active,
      allowPrivateHost: privateHost.trim() || null,
      maxAttempts,
    }
    const onError = (err: Error) => setError(err.message)
    if (existing) m.update.mutate({ id: existing.id, input }, { onSuccess: onClose, onError })
    else
      m.create.mutate(input, {
        onSuccess: (created) => {
          onCreated(created)
          onClose()
        },
        onError,
      })
  }

  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={existing ? t('webhooks.editTitle', { name: existing.name }) : t('webhooks.newTitle')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <Stack>
          {error && (
            <Alert color="red" data-testid="webhook-error">
              {error}
            </Alert>
          )}
          <TextInput
            label={t('webhooks.form.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            maxLength={100}
          />
          <TextInput
            label={t('webhooks.form.url')}
            description={t('webhooks.form.urlHelp')}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            required
            type="url"
          />
          <MultiSelect
            label={t('webhooks.form.events')}
            description={t('webhooks.form.eventsHelp')}
            data={data}
            value={events}
            onChange={setEvents}
            searchable
            required
            error={events.length === 0 ? t('webhooks.form.eventsRequired') : undefined}
            data-testid="webhook-events"
          />
          <TextInput
            label={t('webhooks.form.privateHost')}
            description={t('webhooks.form.privateHostHelp')}
            value={privateHost}
            onChange={(e) => setPrivateHost(e.currentTarget.value)}
            placeholder="crm.intern.example"
          />
          <NumberInput
            label={t('webhooks.form.maxAttempts')}
            description={t('webhooks.form.maxAttemptsHelp')}
            value={maxAttempts}
            onChange={(v) => setMaxAttempts(typeof v === 'number' ? v : 8)}
            min={1}
            max={12}
            allowDecimal={false}
          />
          <Switch
            label={t('webhooks.form.active')}
            checked={active}
            onChange={(e) => setActive(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={pending} disabled={events.length === 0} data-testid="webhook-save">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
