import { Alert, Button, Group, Modal, Paper, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useTicket, useTicketList } from '../api/queries.ts'
import type { TicketDetail } from '../api/types.ts'
import { StatusBadge } from './TicketBits.tsx'

type Props = {
  opened: boolean
  onClose: () => void
  ticket: TicketDetail
  onMerge: (into: number, reason: string) => Promise<unknown>
}

/** Finds the other ticket (by number or words), shows it, and merges this one into it on confirm. */
export const MergeDialog = ({ opened, onClose, ticket, onMerge }: Props) => {
  const { t } = useTranslation()
  const [search, setSearch] = useState('')
  const [debounced] = useDebouncedValue(search.trim(), 300)
  const [target, setTarget] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()

  useEffect(() => {
    if (opened) {
      setSearch('')
      setTarget(null)
      setReason('')
      setError(undefined)
    }
  }, [opened])

  const asNumber = /^#?\d+$/.test(debounced) ? Number(debounced.replace('#', '')) : undefined
  const byNumber = useTicket(asNumber)
  const byWords = useTicketList({ q: debounced, limit: 10 }, opened && !!debounced && asNumber === undefined)
  const sameCustomer = useTicketList({ customerId: ticket.customer.id, limit: 10 }, opened && !debounced)
  const candidates = (
    asNumber !== undefined
      ? byNumber.data
        ? [byNumber.data]
        : []
      : ((debounced ? byWords : sameCustomer).data?.pages.flatMap((p) => p.items) ?? [])
  ).filter((x) => x.id !== ticket.id && !x.mergedInto)
  const chosen = candidates.find((x) => String(x.number) === target)

  const submit = async () => {
    if (!chosen) return
    setBusy(true)
    setError(undefined)
    try {
      await onMerge(chosen.number, reason.trim())
      onClose()
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('merge.title', { number: ticket.number })}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack>
        <Text size="sm">{t('merge.explain', { number: ticket.number })}</Text>
        <TextInput
          label={t('merge.search')}
          placeholder={t('merge.searchPlaceholder')}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          data-testid="merge-search"
          data-autofocus
        />
        <Radio.Group
          value={target}
          onChange={setTarget}
          label={debounced ? t('merge.results') : t('merge.sameCustomer')}
        >
          <Stack gap={6} mt={6}>
            {candidates.length === 0 && (
              <Text size="sm" c="dimmed">
                {t('merge.none')}
              </Text>
            )}
            {candidates.map((x) => (
              <Radio
                key={x.id}
                value={String(x.number)}
                label={
                  <Group gap={6}>
                    <Text size="sm">
                      #{x.number} {x.subject}
                    </Text>
                    <StatusBadge status={x.status} />
                    <Text size="xs" c="dimmed">
                      {x.customer.name}
                    </Text>
                  </Group>
                }
              />
            ))}
          </Stack>
        </Radio.Group>
        {chosen && (
          <Paper withBorder p="sm" bg="var(--mantine-color-gray-light)" data-testid="merge-preview">
            <Text size="sm">
              {t('merge.preview', { from: ticket.number, into: chosen.number, subject: chosen.subject })}
            </Text>
          </Paper>
        )}
        {chosen && chosen.customer.id !== ticket.customer.id && (
          <Alert color="yellow" role="alert" data-testid="merge-other-customer">
            {t('merge.otherCustomer', { from: ticket.customer.name, into: chosen.customer.name })}
          </Alert>
        )}
        <Textarea
          label={t('merge.reason')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            color="red"
            disabled={!chosen}
            loading={busy}
            onClick={() => void submit()}
            data-testid="merge-confirm"
          >
            {chosen ? t('merge.confirm', { from: ticket.number, into: chosen.number }) : t('merge.choose')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
