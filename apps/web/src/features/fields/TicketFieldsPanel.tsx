import {
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { type FieldValue, type TicketField, useTicketFields } from './api.ts'
import { changedValues, fieldErrors, inLanguage, isRequiredFor } from './field-helpers.ts'

type Draft = Record<string, FieldValue | null>

/** The options a person may choose: those in use, plus a retired one the ticket still holds. */
const choices = (
  field: TicketField,
  held: FieldValue | null | undefined,
  lang: string,
  retiredLabel: string,
) => {
  const keep = new Set(Array.isArray(held) ? held : held ? [String(held)] : [])
  return field.options
    .filter((o) => !o.retired || keep.has(o.value))
    .map((o) => ({
      value: o.value,
      label: o.retired ? `${inLanguage(o.label, lang)} (${retiredLabel})` : inLanguage(o.label, lang),
    }))
}

const FieldInput = ({
  field,
  value,
  onChange,
  required,
  error,
}: {
  field: TicketField
  value: FieldValue | null | undefined
  onChange: (value: FieldValue | null) => void
  required: boolean
  error: string | undefined
}) => {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const common = {
    label: inLanguage(field.label, lang),
    description: inLanguage(field.description, lang) || undefined,
    withAsterisk: required,
    error,
    size: 'sm' as const,
    'data-testid': `field-input-${field.key}`,
  }
  switch (field.type) {
    case 'text':
      return (
        <TextInput
          {...common}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value)}
          maxLength={1000}
        />
      )
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' ? value : ''}
          onChange={(v) => onChange(typeof v === 'number' ? v : null)}
          min={field.min ?? undefined}
          max={field.max ?? undefined}
        />
      )
    case 'date':
      return (
        <TextInput
          {...common}
          type="date"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
        />
      )
    case 'select':
      return (
        <Select
          {...common}
          data={choices(field, value, lang, t('customFields.retired'))}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => onChange(v)}
          clearable
          searchable
        />
      )
    case 'multi_select':
      return (
        <MultiSelect
          {...common}
          data={choices(field, value, lang, t('customFields.retired'))}
          value={Array.isArray(value) ? value : []}
          onChange={(v) => onChange(v)}
          clearable
          searchable
        />
      )
    case 'checkbox':
      return (
        <Checkbox {...common} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />
      )
  }
}

/** The ticket's custom fields, editable, saved together; required ones are marked for the ticket's team. */
export const TicketFieldsPanel = ({
  ticket,
  save,
}: {
  ticket: { fields: Record<string, FieldValue>; team: { id: string } | null }
  save: (fields: Record<string, FieldValue | null>) => Promise<unknown>
}) => {
  const { t } = useTranslation()
  const fields = useTicketFields()
  const stored = JSON.stringify(ticket.fields)
  const [draft, setDraft] = useState<Draft>(ticket.fields)
  const [error, setError] = useState<ApiError | null>(null)
  const [saving, setSaving] = useState(false)
  // Someone else (or this page) saved: the form shows what the ticket has now.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `stored` stands for ticket.fields
  useEffect(() => {
    setDraft(ticket.fields)
    setError(null)
  }, [stored])
  const changes = useMemo(() => changedValues(ticket.fields, draft), [ticket.fields, draft])
  const list = (fields.data ?? []).filter((f) => !f.archived)
  if (list.length === 0) return null
  const errors = fieldErrors(error?.problem?.errors)
  const dirty = Object.keys(changes).length > 0
  return (
    <Paper
      withBorder
      p="sm"
      component="section"
      aria-labelledby="ticket-fields-title"
      data-testid="ticket-fields"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (!dirty) return
          setSaving(true)
          save(changes)
            .then(() => setError(null))
            .catch((err) => setError(err instanceof ApiError ? err : new ApiError(0, undefined, String(err))))
            .finally(() => setSaving(false))
        }}
      >
        <Stack gap="xs">
          <Title order={2} size="h5" id="ticket-fields-title">
            {t('customFields.panelTitle')}
          </Title>
          {list.map((f) => (
            <FieldInput
              key={f.id}
              field={f}
              value={draft[f.key]}
              onChange={(v) => setDraft((d) => ({ ...d, [f.key]: v }))}
              required={isRequiredFor(f, ticket.team?.id)}
              error={errors[f.key]}
            />
          ))}
          {error && Object.keys(errors).length === 0 && (
            <Text size="sm" c="red" role="alert">
              {error.message}
            </Text>
          )}
          {list.some((f) => isRequiredFor(f, ticket.team?.id)) && (
            <Text size="xs" c="dimmed">
              {t('customFields.requiredNote')}
            </Text>
          )}
          <Group justify="flex-end" gap="xs">
            <Button
              size="xs"
              variant="default"
              disabled={!dirty || saving}
              onClick={() => {
                setDraft(ticket.fields)
                setError(null)
              }}
            >
              {t('common.cancel')}
            </Button>
            <Button
              size="xs"
              type="submit"
              disabled={!dirty}
              loading={saving}
              data-testid="ticket-fields-save"
            >
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  )
}
