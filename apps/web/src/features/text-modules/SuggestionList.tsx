import { Badge, Group, Paper, Portal, Stack, Text, UnstyledButton } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { TextModule } from './api.ts'

/** The text modules matching `::…`, at the cursor; arrows move, Enter inserts, Escape closes. */
export const SuggestionList = ({
  items,
  rect,
  active,
  onChoose,
}: {
  items: TextModule[]
  rect: DOMRect | null
  active: number
  onChoose: (m: TextModule) => void
}) => {
  const { t } = useTranslation()
  if (!rect) return null
  return (
    <Portal>
      <Paper
        shadow="md"
        withBorder
        p={4}
        w={360}
        style={{ position: 'fixed', left: rect.left, top: rect.bottom + 4, zIndex: 400 }}
        role="listbox"
        aria-label={t('textModules.suggestions')}
        data-testid="text-module-suggestions"
      >
        {items.length === 0 ? (
          <Text size="sm" c="dimmed" p="xs">
            {t('textModules.noMatch')}
          </Text>
        ) : (
          <Stack gap={2}>
            {items.map((m, i) => (
              <UnstyledButton
                key={m.id}
                role="option"
                aria-selected={i === active}
                onMouseDown={(e) => {
                  // Keep the editor's focus and cursor.
                  e.preventDefault()
                  onChoose(m)
                }}
                p={6}
                style={{
                  borderRadius: 4,
                  background: i === active ? 'var(--mantine-color-blue-light)' : undefined,
                }}
                data-testid="text-module-option"
              >
                <Group gap={6} wrap="nowrap">
                  <Badge size="xs" variant="light" style={{ flexShrink: 0 }}>
                    ::{m.shortcut}
                  </Badge>
                  <Text size="sm" truncate>
                    {m.title}
                  </Text>
                </Group>
              </UnstyledButton>
            ))}
          </Stack>
        )}
      </Paper>
    </Portal>
  )
}
