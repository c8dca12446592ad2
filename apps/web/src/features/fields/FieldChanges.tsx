import { Group, Text } from '@mantine/core'
import { IconArrowRight } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { useSession } from '../../session.tsx'
import { useTicketFields } from './api.ts'
import { inLanguage, showValue } from './field-helpers.ts'

/** A `ticket.fields_changed` event's changes: each field's label, value before and after. */
export const FieldChanges = ({ changes }: { changes: Record<string, { from: unknown; to: unknown }> }) => {
  const { t, i18n } = useTranslation()
  // Admins see archived fields too (an old event may name one); others see the fields in use.
  const { isAdmin } = useSession()
  const fields = useTicketFields(isAdmin)
  const byKey = new Map((fields.data ?? []).map((f) => [f.key, f]))
  const yesNo = (v: boolean) => (v ? t('customFields.yes') : t('customFields.no'))
  return (
    <>
      {Object.entries(changes).map(([key, change]) => {
        const field = byKey.get(key)
        return (
          <Group key={key} gap={4} wrap="wrap" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
            <Text size="xs" c="dimmed">
              {field ? inLanguage(field.label, i18n.language) : key}:
            </Text>
            <Text size="xs">{showValue(field, change.from, i18n.language, yesNo)}</Text>
            <IconArrowRight size={12} aria-label={t('timeline.to')} />
            <Text size="xs">{showValue(field, change.to, i18n.language, yesNo)}</Text>
          </Group>
        )
      })}
    </>
  )
}
