import { Button, Group } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconCheck, IconMessageCircle, IconUserCheck } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { type Escalation, useEscalationActions } from './api.ts'
import { NoteModal } from './NoteModal.tsx'

/**
 * What a supervisor does with an escalation: take the ticket over or advise (while it waits), and
 * resolve it once joined. Nothing for those who may not join it. On the board, where many are
 * listed, each button's name also says which ticket it is for.
 */
export const JoinActions = ({
  escalation: e,
  withTicket = false,
  size = 'xs',
}: {
  escalation: Escalation
  withTicket?: boolean
  size?: 'xs' | 'compact-sm'
}) => {
  const { t } = useTranslation()
  const actions = useEscalationActions()
  const [advising, setAdvising] = useState(false)
  if (!e.canJoin || e.state === 'resolved') return null
  const forTicket = { number: e.ticketNumber }
  const fail = (err: Error) =>
    notifications.show({
      color: err instanceof ApiError && err.code === 'escalation.not_waiting' ? 'yellow' : 'red',
      message:
        err instanceof ApiError && err.code === 'escalation.not_waiting'
          ? t('escalations.errors.notWaiting')
          : err.message,
    })

  if (e.state === 'joined') {
    return (
      <Group gap="xs" wrap={withTicket ? 'nowrap' : 'wrap'}>
        <Button
          size={size}
          variant="light"
          leftSection={<IconCheck size={14} aria-hidden />}
          loading={actions.resolve.isPending}
          aria-label={withTicket ? t('escalations.actions.resolveFor', forTicket) : undefined}
          onClick={() =>
            actions.resolve.mutate(e.id, {
              onSuccess: () =>
                notifications.show({ color: 'green', message: t('escalations.done.resolved') }),
              onError: fail,
            })
          }
          data-testid="escalation-resolve"
        >
          {t('escalations.actions.resolve')}
        </Button>
      </Group>
    )
  }
  return (
    <Group gap="xs" wrap={withTicket ? 'nowrap' : 'wrap'}>
      <Button
        size={size}
        leftSection={<IconUserCheck size={14} aria-hidden />}
        loading={actions.join.isPending && actions.join.variables?.input.mode === 'take_over'}
        disabled={actions.join.isPending}
        aria-label={withTicket ? t('escalations.actions.takeOverFor', forTicket) : undefined}
        onClick={() =>
          actions.join.mutate(
            { id: e.id, input: { mode: 'take_over' } },
            {
              onSuccess: () =>
                notifications.show({
                  color: 'green',
                  message: t('escalations.done.tookOver', { number: e.ticketNumber }),
                }),
              onError: fail,
            },
          )
        }
        data-testid="escalation-take-over"
      >
        {withTicket ? t('escalations.actions.takeOver') : t('escalations.actions.takeOverHere')}
      </Button>
      <Button
        size={size}
        variant="light"
        leftSection={<IconMessageCircle size={14} aria-hidden />}
        disabled={actions.join.isPending}
        aria-label={withTicket ? t('escalations.actions.adviseFor', forTicket) : undefined}
        onClick={() => setAdvising(true)}
        data-testid="escalation-advise"
      >
        {t('escalations.actions.advise')}
      </Button>
      <NoteModal
        opened={advising}
        onClose={() => setAdvising(false)}
        title={t('escalations.advise.title', { number: e.ticketNumber })}
        intro={t('escalations.advise.intro')}
        label={t('escalations.advise.note')}
        placeholder={t('escalations.advise.placeholder')}
        submitLabel={t('escalations.advise.submit')}
        maxLength={10_000}
        testId="escalation-advise"
        onSubmit={(note) =>
          actions.join
            .mutateAsync({ id: e.id, input: { mode: 'advise', note } })
            .then(() => notifications.show({ color: 'green', message: t('escalations.done.advised') }))
        }
      />
    </Group>
  )
}
