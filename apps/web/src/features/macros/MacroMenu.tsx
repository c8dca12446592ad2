import { Button, Menu, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconBolt } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { useApplyMacro, useMacros } from './api.ts'

/** The ticket view's macro button: the macros of the agent's teams (and global ones), one click each. */
export const MacroMenu = ({ ticketId }: { ticketId: string }) => {
  const { t } = useTranslation()
  const macros = useMacros()
  const apply = useApplyMacro(ticketId)
  const list = macros.data ?? []
  return (
    <Menu position="bottom-start" shadow="md" withinPortal>
      <Menu.Target>
        <Button
          size="xs"
          variant="light"
          color="grape"
          leftSection={<IconBolt size={14} aria-hidden />}
          loading={apply.isPending}
          data-testid="macro-open"
        >
          {t('macros.button')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown data-testid="macro-menu">
        {list.length === 0 && (
          <Text size="sm" c="dimmed" p="xs">
            {macros.isPending ? '…' : t('macros.none')}
          </Text>
        )}
        {list.map((m) => (
          <Menu.Item
            key={m.id}
            onClick={() =>
              apply.mutate(m.id, {
                onSuccess: () =>
                  notifications.show({ color: 'green', message: t('macros.applied', { name: m.name }) }),
                onError: (err) =>
                  notifications.show({
                    color: 'red',
                    message: t('macros.failed', { name: m.name, reason: (err as Error).message }),
                  }),
              })
            }
            data-testid="macro-item"
          >
            {m.name}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  )
}
