import {
  ActionIcon,
  Badge,
  Group,
  Popover,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconSearch, IconTemplate } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type TextModule, useTextModules } from './api.ts'

/** The picker button beside the formatting controls: search, then insert at the cursor. */
export const TextModulePicker = ({ onPick }: { onPick: (m: TextModule) => void }) => {
  const { t } = useTranslation()
  const [opened, setOpened] = useState(false)
  const [q, setQ] = useState('')
  const [debounced] = useDebouncedValue(q, 150)
  const list = useTextModules(debounced)
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-start" width={380} shadow="md" trapFocus>
      <Popover.Target>
        <Tooltip label={t('textModules.insert')}>
          <ActionIcon
            variant="default"
            size={26}
            onClick={() => setOpened((o) => !o)}
            aria-label={t('textModules.insert')}
            data-testid="text-module-picker"
          >
            <IconTemplate size={16} aria-hidden />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <TextInput
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            placeholder={t('textModules.searchPlaceholder')}
            leftSection={<IconSearch size={14} aria-hidden />}
            aria-label={t('textModules.search')}
            data-autofocus
          />
          <ScrollArea.Autosize mah={300}>
            <Stack gap={2}>
              {(list.data ?? []).map((m) => (
                <UnstyledButton
                  key={m.id}
                  p={6}
                  onClick={() => {
                    setOpened(false)
                    onPick(m)
                  }}
                  style={{ borderRadius: 4 }}
                  className="hover-row"
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
              {list.data?.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t('textModules.noMatch')}
                </Text>
              )}
            </Stack>
          </ScrollArea.Autosize>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}
