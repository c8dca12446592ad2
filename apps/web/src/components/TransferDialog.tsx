import { Button, Group, Modal, Select, Stack, Textarea } from '@mantine/core'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useTeams, useUsers } from '../api/queries.ts'
import type { AssignTicketInput } from '../api/types.ts'

const UNASSIGNED = '__none__'

type Props = {
  opened: boolean
  onClose: () => void
  /** The current team and assignee, preselected. */
  teamId?: string | null
  assigneeId?: string | null
  onSubmit: (input: AssignTicketInput) => Promise<unknown>
  /** How many tickets move (bulk), for the title. */
  count?: number
}

/** Moves tickets to another team or agent. A transfer always says why, for the people taking over. */
export const TransferDialog = ({ opened, onClose, teamId, assigneeId, onSubmit, count = 1 }: Props) => {
  const { t } = useTranslation()
  const teams = useTeams()
  // Loaded when the dialog opens, not with every page that has one.
  const users = useUsers(false, opened)
  const [team, setTeam] = useState<string | null>(teamId ?? null)
  const [assignee, setAssignee] = useState<string>(assigneeId ?? UNASSIGNED)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [reasonError, setReasonError] = useState<string | undefined>()

  useEffect(() => {
    if (opened) {
      setTeam(teamId ?? null)
      setAssignee(assigneeId ?? UNASSIGNED)
      setReason('')
      setReasonError(undefined)
    }
  }, [opened, teamId, assigneeId])

  const members = (users.data ?? []).filter(
    (u) => !team || u.teams.some((m) => m.id === team) || u.role === 'admin',
  )

  const submit = async () => {
    if (!reason.trim()) {
      setReasonError(t('transfer.reasonRequired'))
      return
    }
    setBusy(true)
    try {
      await onSubmit({
        ...(team ? { teamId: team } : {}),
        assigneeId: assignee === UNASSIGNED ? null : assignee,
        reason: reason.trim(),
      })
      onClose()
    } catch {
      // The caller has shown why; the dialog stays open with what was entered.
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={count > 1 ? t('transfer.titleMany', { count }) : t('transfer.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Stack>
          <Select
            label={t('ticket.team')}
            data={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
            value={team}
            onChange={(v) => {
              setTeam(v)
              setAssignee(UNASSIGNED)
            }}
            searchable
            data-testid="transfer-team"
          />
          <Select
            label={t('ticket.assignee')}
            data={[
              { value: UNASSIGNED, label: t('ticket.unassigned') },
              ...members.map((u) => ({ value: u.id, label: u.name })),
            ]}
            value={assignee}
            onChange={(v) => setAssignee(v ?? UNASSIGNED)}
            searchable
            data-testid="transfer-assignee"
          />
          <Textarea
            label={t('transfer.reason')}
            description={t('transfer.reasonHelp')}
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value)
              setReasonError(undefined)
            }}
            error={reasonError}
            data-testid="transfer-reason"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy} data-testid="transfer-submit">
              {t('transfer.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
