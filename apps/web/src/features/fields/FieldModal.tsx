import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { useTeams } from '../../api/queries.ts'
import { type CreateFieldInput, type TicketField, useFieldMutations } from './api.ts'

const TYPES = ['text', 'number', 'date', 'select', 'multi_select', 'checkbox'] as const
type FieldType = (typeof TYPES)[number]
type OptionDraft = { value: string; de: string; en: string; retired: boolean; saved: boolean }

const isChoice = (type: FieldType) => type === 'select' || type === 'multi_select'

/** A key made from the English label: "Order number" → order_number. */
const keyFrom = (label: string) =>
  label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 50)

/** Create or change a ticket field; `field` undefined creates one. */
export const FieldModal = ({ field, onClose }: { field: TicketField | undefined; onClose: () => void }) => {
  const { t } = useTranslation()
  const teams = useTeams()
  const m = useFieldMutations()
  const [key, setKey] = useState(field?.key ?? '')
  const [keyTouched, setKeyTouched] = useState(!!field)
  const [type, setType] = useState<FieldType>(field?.type ?? 'text')
  const [labelDe, setLabelDe] = useState(field?.label.de ?? '')
  const [labelEn, setLabelEn] = useState(field?.label.en ?? '')
  const [helpDe, setHelpDe] = useState(field?.description.de ?? '')
  const [helpEn, setHelpEn] = useState(field?.description.en ?? '')
  const [options, setOptions] = useState<OptionDraft[]>(
    field?.options.map((o) => ({
      value: o.value,
      de: o.label.de,
      en: o.label.en,
      retired: o.retired,
      saved: true,
    })) ?? [],
  )
  const [min, setMin] = useState<number | null>(field?.min ?? null)
  const [max, setMax] = useState<number | null>(field?.max ?? null)
  const [required, setRequired] = useState<TicketField['required']>(field?.required ?? 'never')
  const [teamIds, setTeamIds] = useState<string[]>(field?.requiredTeamIds ?? [])
  const mutation = field ? m.update : m.create
  const problem = mutation.error instanceof ApiError ? mutation.error.problem : undefined
  const errorAt = (pointer: string) =>
    problem?.errors
      ?.filter((e) => e.pointer === `/body/${pointer}` || e.pointer.startsWith(`/body/${pointer}/`))
      .map((e) => e.detail)
      .join('; ') || undefined

  const setOption = (n: number, patch: Partial<OptionDraft>) =>
    setOptions((all) => all.map((o, i) => (i === n ? { ...o, ...patch } : o)))

  const submit = () => {
    const common = {
      label: { de: labelDe, en: labelEn },
      description: { de: helpDe, en: helpEn },
      options: isChoice(type)
        ? options.map((o) => ({ value: o.value, label: { de: o.de, en: o.en }, retired: o.retired }))
        : [],
      ...(type === 'number' ? { min, max } : {}),
      required,
      requiredTeamIds: required === 'teams' ? teamIds : [],
    }
    if (field) m.update.mutate({ id: field.id, input: common }, { onSuccess: onClose })
    else m.create.mutate({ key, type, ...common } satisfies CreateFieldInput, { onSuccess: onClose })
  }

  return (
    <Modal opened onClose={onClose} title={field ? t('customFields.edit') : t('customFields.new')} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <Stack gap="sm">
          {mutation.error && (
            <Alert color="red" role="alert">
              {mutation.error.message}
            </Alert>
          )}
          <Group grow align="flex-start">
            <TextInput
              label={t('customFields.labelEn')}
              value={labelEn}
              onChange={(e) => {
                const v = e.currentTarget.value
                setLabelEn(v)
                if (!keyTouched) setKey(keyFrom(v))
              }}
              error={errorAt('label/en')}
              required
              maxLength={100}
              data-testid="field-label-en"
            />
            <TextInput
              label={t('customFields.labelDe')}
              value={labelDe}
              onChange={(e) => setLabelDe(e.currentTarget.value)}
              error={errorAt('label/de')}
              required
              maxLength={100}
              data-testid="field-label-de"
            />
          </Group>
          <Group grow align="flex-start">
            <TextInput
              label={t('customFields.key')}
              description={t('customFields.keyHint')}
              value={key}
              onChange={(e) => {
                setKeyTouched(true)
                setKey(e.currentTarget.value)
              }}
              error={errorAt('key')}
              disabled={!!field}
              required
              maxLength={50}
              data-testid="field-key"
            />
            <Select
              label={t('customFields.type')}
              data={TYPES.map((x) => ({ value: x, label: t(`customFields.types.${x}`) }))}
              value={type}
              onChange={(v) => v && setType(v as FieldType)}
              disabled={!!field}
              allowDeselect={false}
              description={field ? t('customFields.typeFixed') : undefined}
              data-testid="field-type"
            />
          </Group>
          <Group grow align="flex-start">
            <TextInput
              label={t('customFields.helpEn')}
              value={helpEn}
              onChange={(e) => setHelpEn(e.currentTarget.value)}
              maxLength={500}
            />
            <TextInput
              label={t('customFields.helpDe')}
              value={helpDe}
              onChange={(e) => setHelpDe(e.currentTarget.value)}
              maxLength={500}
            />
          </Group>
          {type === 'number' && (
            <Group grow align="flex-start">
              <NumberInput
                label={t('customFields.min')}
                value={min ?? ''}
                onChange={(v) => setMin(typeof v === 'number' ? v : null)}
                error={errorAt('min')}
              />
              <NumberInput
                label={t('customFields.max')}
                value={max ?? ''}
                onChange={(v) => setMax(typeof v === 'number' ? v : null)}
                error={errorAt('max')}
              />
            </Group>
          )}
          {isChoice(type) && (
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('customFields.options')}
              </Text>
              {errorAt('options') && (
                <Text size="xs" c="red">
                  {errorAt('options')}
                </Text>
              )}
              <Table aria-label={t('customFields.options')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('customFields.optionValue')}</Table.Th>
                    <Table.Th>{t('customFields.labelEn')}</Table.Th>
                    <Table.Th>{t('customFields.labelDe')}</Table.Th>
                    <Table.Th>{t('customFields.retired')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {options.map((o, n) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, values may repeat while typing
                    <Table.Tr key={n}>
                      <Table.Td>
                        <TextInput
                          size="xs"
                          aria-label={t('customFields.optionValue')}
                          value={o.value}
                          disabled={o.saved}
                          onChange={(e) => setOption(n, { value: e.currentTarget.value })}
                          required
                        />
                      </Table.Td>
                      <Table.Td>
                        <TextInput
                          size="xs"
                          aria-label={t('customFields.labelEn')}
                          value={o.en}
                          onChange={(e) => {
                            const v = e.currentTarget.value
                            setOption(
                              n,
                              o.saved ? { en: v } : { en: v, value: keyFrom(v).replaceAll('_', '-') },
                            )
                          }}
                          required
                        />
                      </Table.Td>
                      <Table.Td>
                        <TextInput
                          size="xs"
                          aria-label={t('customFields.labelDe')}
                          value={o.de}
                          onChange={(e) => setOption(n, { de: e.currentTarget.value })}
                          required
                        />
                      </Table.Td>
                      <Table.Td>
                        <Checkbox
                          aria-label={t('customFields.retired')}
                          checked={o.retired}
                          onChange={(e) => setOption(n, { retired: e.currentTarget.checked })}
                        />
                      </Table.Td>
                      <Table.Td>
                        {!o.saved && (
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            aria-label={t('customFields.removeOption')}
                            onClick={() => setOptions((all) => all.filter((_, i) => i !== n))}
                          >
                            <IconTrash size={14} aria-hidden />
                          </ActionIcon>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Group>
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconPlus size={14} aria-hidden />}
                  onClick={() =>
                    setOptions((all) => [...all, { value: '', de: '', en: '', retired: false, saved: false }])
                  }
                  data-testid="field-add-option"
                >
                  {t('customFields.addOption')}
                </Button>
                <Text size="xs" c="dimmed">
                  {t('customFields.retireHint')}
                </Text>
              </Group>
            </Stack>
          )}
          <Group grow align="flex-start">
            <Select
              label={t('customFields.required')}
              data={(['never', 'all', 'teams'] as const).map((x) => ({
                value: x,
                label: t(`customFields.requiredFor.${x}`),
              }))}
              value={required}
              onChange={(v) => v && setRequired(v as TicketField['required'])}
              allowDeselect={false}
              description={t('customFields.requiredHint')}
              data-testid="field-required"
            />
            {required === 'teams' && (
              <MultiSelect
                label={t('customFields.requiredTeams')}
                data={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
                value={teamIds}
                onChange={setTeamIds}
                error={errorAt('requiredTeamIds')}
                searchable
              />
            )}
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="field-save">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
