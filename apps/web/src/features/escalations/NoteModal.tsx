import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { fieldErrors } from '../../lib/field-errors.ts'
import { readableErrors } from '../promises/promise-format.ts'

type Props = {
  opened: boolean
  onClose: () => void
  title: string
  intro: string
  label: string
  placeholder?: string
  submitLabel: string
  maxLength: number
  /** Rejects with the server's problem, which the dialog shows; it closes only on success. */
  onSubmit: (note: string) => Promise<unknown>
  testId: string
}

/** A dialog asking for one required text: the "I need help" note or a supervisor's advice. */
export const NoteModal = ({
  opened,
  onClose,
  title,
  intro,
  label,
  placeholder,
  submitLabel,
  maxLength,
  onSubmit,
  testId,
}: Props) => {
  const { t } = useTranslation()
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [noteError, setNoteError] = useState<string | undefined>()

  useEffect(() => {
    if (opened) {
      setNote('')
      setError(undefined)
      setNoteError(undefined)
    }
  }, [opened])

  const problem = error instanceof ApiError ? error.problem : undefined
  const found = fieldErrors(problem, ['note'])
  const general =
    error && !problem?.errors?.length ? (error as Error).message : found.rest.join(' · ') || undefined

  const submit = async () => {
    if (!note.trim()) {
      setNoteError(t('escalations.noteRequired'))
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      await onSubmit(note.trim())
      onClose()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={title}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        noValidate
        style={readableErrors}
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{intro}</Text>
          {general && (
            <Alert color="red" role="alert" data-testid={`${testId}-error`}>
              {general}
            </Alert>
          )}
          <Textarea
            label={label}
            placeholder={placeholder}
            value={note}
            onChange={(e) => {
              setNote(e.currentTarget.value)
              setNoteError(undefined)
            }}
            error={noteError ?? found.fields.note}
            required
            maxLength={maxLength}
            autosize
            minRows={3}
            maxRows={10}
            data-autofocus
            data-testid={`${testId}-note`}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy} data-testid={`${testId}-submit`}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
