import { Button, Menu, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconBolt } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type ClosingAnswers, finishesWork } from '../closing/api.ts'
import { ClosingDialog } from '../closing/ClosingDialog.tsx'
import { useApplyMacro, useMacros } from './api.ts'

/** The ticket view's macro button: the macros of the agent's teams (and global ones), one click each. */
export const MacroMenu = ({ ticketId, ticketStatus }: { ticketId: string; ticketStatus: string }) => {
  const { t } = useTranslation()
  const macros = useMacros()
  const apply = useApplyMacro(ticketId)
  const list = macros.data ?? []
  // A macro that solves asks the closing checklist first, like any solve.
  const [solving, setSolving] = useState<(typeof list)[number] | null>(null)
  const run = (m: (typeof list)[number], closing?: ClosingAnswers) =>
    apply.mutateAsync({ macroId: m.id, ...(closing ? { closing } : {}) }).then(
      () => notifications.show({ color: 'green', message: t('macros.applied', { name: m.name }) }),
      (err) => {
        notifications.show({
          color: 'red',
          message: t('macros.failed', { name: m.name, reason: (err as Error).message }),
        })
        throw err
      },
    )
  const solves = (m: (typeof list)[number]) =>
    m.actions.some((a) => a.type === 'status' && finishesWork(ticketStatus, a.status))
  return (
    <>
      <ClosingDialog
        opened={solving !== null}
        onCancel={() => setSolving(null)}
        onConfirm={async (closing) => {
          if (!solving) return
          await run(solving, closing)
          setSolving(null)
        }}
      />
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
              onClick={() => {
                if (solves(m)) setSolving(m)
                else run(m).catch((err: unknown) => console.warn('macro not applied', err))
              }}
              data-testid="macro-item"
            >
              {m.name}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </>
  )
}
