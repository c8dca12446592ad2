import {
  Badge,
  Button,
  CloseButton,
  Group,
  NumberInput,
  Popover,
  Select,
  Stack,
  TextInput,
} from '@mantine/core'
import { IconFilter } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type TicketField, useTicketFields } from './api.ts'
import {
  type FieldFilter,
  type FilterOp,
  filterToParam,
  inLanguage,
  opsFor,
  parseFilters,
  showValue,
} from './field-helpers.ts'

const ValueInput = ({
  field,
  value,
  onChange,
}: {
  field: TicketField
  value: string
  onChange: (v: string) => void
}) => {
  const { t, i18n } = useTranslation()
  const label = t('customFields.filter.value')
  switch (field.type) {
    case 'number':
      return (
        <NumberInput
          size="xs"
          label={label}
          value={value === '' ? '' : Number(value)}
          onChange={(v) => onChange(v === '' ? '' : String(v))}
        />
      )
    case 'date':
      return (
        <TextInput
          size="xs"
          type="date"
          label={label}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      )
    case 'checkbox':
      return (
        <Select
          size="xs"
          label={label}
          data={[
            { value: 'true', label: t('customFields.yes') },
            { value: 'false', label: t('customFields.no') },
          ]}
          value={value || null}
          onChange={(v) => onChange(v ?? '')}
          allowDeselect={false}
          comboboxProps={{ withinPortal: false }}
        />
      )
    case 'select':
    case 'multi_select':
      return (
        <Select
          size="xs"
          label={label}
          data={field.options.map((o) => ({ value: o.value, label: inLanguage(o.label, i18n.language) }))}
          value={value || null}
          onChange={(v) => onChange(v ?? '')}
          searchable
          comboboxProps={{ withinPortal: false }}
        />
      )
    default:
      return (
        <TextInput size="xs" label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)} />
      )
  }
}

/**
 * The inbox's custom field filters: each condition a removable badge, a new one added from a small
 * form (field, comparison, value). `value` and `onChange` speak `key:op:value`, as the API does.
 */
export const FieldFilterControl = ({
  value,
  onChange,
}: {
  value: string[]
  onChange: (next: string[]) => void
}) => {
  const { t, i18n } = useTranslation()
  const fields = useTicketFields()
  const [open, setOpen] = useState(false)
  const [key, setKey] = useState<string | null>(null)
  const [op, setOp] = useState<FilterOp>('eq')
  const [input, setInput] = useState('')
  const list = (fields.data ?? []).filter((f) => !f.archived)
  if (list.length === 0 && value.length === 0) return null
  const byKey = new Map((fields.data ?? []).map((f) => [f.key, f]))
  const field = key ? byKey.get(key) : undefined
  const active = parseFilters(value)
  const yesNo = (v: boolean) => (v ? t('customFields.yes') : t('customFields.no'))
  const describe = (f: FieldFilter) => {
    const def = byKey.get(f.key)
    const shown =
      def?.type === 'checkbox'
        ? yesNo(f.value === 'true')
        : showValue(def, def?.type === 'number' ? Number(f.value) : f.value, i18n.language, yesNo)
    return `${def ? inLanguage(def.label, i18n.language) : f.key} ${t(`customFields.filter.ops.${f.op}`)} ${shown}`
  }
  const add = () => {
    if (!field || input === '') return
    const param = filterToParam({ key: field.key, op, value: input })
    if (!value.includes(param)) onChange([...value, param])
    setInput('')
    setOpen(false)
  }
  return (
    <Group gap={4} align="flex-end" data-testid="field-filters">
      {active.map((f, n) => (
        <Badge
          key={filterToParam(f)}
          variant="light"
          rightSection={
            <CloseButton
              size="xs"
              aria-label={t('customFields.filter.remove', { filter: describe(f) })}
              onClick={() => onChange(value.filter((_, i) => i !== n))}
            />
          }
          data-testid="field-filter-badge"
        >
          {describe(f)}
        </Badge>
      ))}
      <Popover opened={open} onChange={setOpen} position="bottom-end" withArrow trapFocus>
        <Popover.Target>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconFilter size={14} aria-hidden />}
            onClick={() => setOpen((o) => !o)}
            data-testid="field-filter-open"
          >
            {t('customFields.filter.add')}
          </Button>
        </Popover.Target>
        <Popover.Dropdown>
          <form
            onSubmit={(e) => {
              e.preventDefault()
              add()
            }}
          >
            <Stack gap="xs" w={240}>
              <Select
                size="xs"
                label={t('customFields.filter.field')}
                data={list.map((f) => ({ value: f.key, label: inLanguage(f.label, i18n.language) }))}
                value={key}
                onChange={(k) => {
                  setKey(k)
                  const next = k ? byKey.get(k) : undefined
                  setOp(next ? opsFor(next.type)[0]! : 'eq')
                  setInput('')
                }}
                searchable
                comboboxProps={{ withinPortal: false }}
                data-testid="field-filter-field"
              />
              {field && opsFor(field.type).length > 1 && (
                <Select
                  size="xs"
                  label={t('customFields.filter.op')}
                  data={opsFor(field.type).map((o) => ({
                    value: o,
                    label: t(`customFields.filter.ops.${o}`),
                  }))}
                  value={op}
                  onChange={(o) => o && setOp(o as FilterOp)}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: false }}
                />
              )}
              {field && <ValueInput field={field} value={input} onChange={setInput} />}
              <Button
                size="xs"
                type="submit"
                disabled={!field || input === ''}
                data-testid="field-filter-apply"
              >
                {t('common.apply')}
              </Button>
            </Stack>
          </form>
        </Popover.Dropdown>
      </Popover>
    </Group>
  )
}
