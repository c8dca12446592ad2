import {
  Alert,
  Button,
  CloseButton,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
} from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { IconPaperclip, IconSend } from '@tabler/icons-react'
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AddInteractionInput, TicketDetail, TicketStatus } from '../api/types.ts'
import { loadDraft, saveDraft } from '../lib/drafts.ts'
import { fileSize } from '../lib/format.ts'

export type ComposeKind = 'reply' | 'note'
export type ReplyEditorHandle = { focus: (kind: ComposeKind) => void }

type Props = {
  ticket: TicketDetail
  send: (input: AddInteractionInput, files: File[]) => Promise<unknown>
  /** Called while the agent types, so others on the ticket see it. */
  onTyping: () => void
}

const MAX_FILE_BYTES = 25 * 1024 * 1024

/** Public reply or internal note, with attachments; the text is kept as a draft until it is sent. */
export const ReplyEditor = forwardRef<ReplyEditorHandle, Props>(({ ticket, send, onTyping }, ref) => {
  const { t, i18n } = useTranslation()
  const [kind, setKind] = useState<ComposeKind>('reply')
  const [text, setText] = useState(() => loadDraft(ticket.id, 'reply'))
  const [files, setFiles] = useState<File[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const textRef = useRef<HTMLTextAreaElement>(null)

  useImperativeHandle(ref, () => ({
    focus: (k) => {
      switchKind(k)
      setTimeout(() => textRef.current?.focus(), 0)
    },
  }))

  // A draft per ticket and kind; another ticket brings its own.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the ticket changes, not the kind
  useEffect(() => {
    setText(loadDraft(ticket.id, kind))
    setFiles([])
    setError(undefined)
  }, [ticket.id])

  const switchKind = (k: ComposeKind) => {
    saveDraft(ticket.id, kind, text)
    setKind(k)
    setText(loadDraft(ticket.id, k))
  }

  const submit = async (status?: TicketStatus) => {
    if (!text.trim() && files.length === 0) return
    setBusy(true)
    setError(undefined)
    try {
      await send({ kind, text, ...(status ? { status } : {}) }, files)
      saveDraft(ticket.id, kind, '')
      setText('')
      setFiles([])
    } catch (err) {
      // The draft stays, in the field and in storage.
      setError(t('reply.failed', { reason: (err as Error).message }))
    } finally {
      setBusy(false)
    }
  }

  const isNote = kind === 'note'
  return (
    <Paper withBorder p="sm" className={isNote ? 'note-entry' : undefined} data-testid="reply-editor">
      <Stack gap="xs">
        <SegmentedControl
          value={kind}
          onChange={(v) => switchKind(v as ComposeKind)}
          data={[
            { value: 'reply', label: t('reply.reply') },
            { value: 'note', label: t('reply.note') },
          ]}
          aria-label={t('reply.kind')}
          w="fit-content"
          size="xs"
        />
        {error && (
          <Alert color="red" role="alert" data-testid="reply-error">
            {error}
          </Alert>
        )}
        <Dropzone
          onDrop={(dropped) => setFiles((old) => [...old, ...dropped].slice(0, 10))}
          onReject={() =>
            setError(t('reply.fileTooLarge', { size: fileSize(MAX_FILE_BYTES, i18n.language) }))
          }
          maxSize={MAX_FILE_BYTES}
          activateOnClick={false}
          activateOnKeyboard={false}
          p={0}
          style={{ border: 'none' }}
          aria-label={t('reply.dropHere')}
        >
          <Textarea
            ref={textRef}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value)
              saveDraft(ticket.id, kind, e.currentTarget.value)
              onTyping()
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit()
              if (e.key === 'Escape') textRef.current?.blur()
            }}
            label={isNote ? t('reply.noteLabel') : t('reply.replyLabel', { name: ticket.customer.name })}
            description={isNote ? t('reply.noteHelp') : undefined}
            autosize
            minRows={4}
            maxRows={16}
            data-testid="reply-text"
          />
        </Dropzone>
        {files.length > 0 && (
          <Group gap="xs">
            {files.map((f, i) => (
              <Group key={`${f.name}-${f.size}-${f.lastModified}`} gap={4} wrap="nowrap">
                <IconPaperclip size={12} aria-hidden />
                <Text size="xs">
                  {f.name} ({fileSize(f.size, i18n.language)})
                </Text>
                <CloseButton
                  size="xs"
                  aria-label={t('reply.removeFile', { name: f.name })}
                  onClick={() => setFiles((old) => old.filter((_, j) => j !== i))}
                />
              </Group>
            ))}
          </Group>
        )}
        <Group justify="space-between">
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPaperclip size={14} aria-hidden />}
            component="label"
          >
            {t('reply.attach')}
            <input
              type="file"
              multiple
              hidden
              onChange={(e) => {
                const chosen = [...(e.currentTarget.files ?? [])]
                if (chosen.some((f) => f.size > MAX_FILE_BYTES)) {
                  setError(t('reply.fileTooLarge', { size: fileSize(MAX_FILE_BYTES, i18n.language) }))
                }
                setFiles((old) => [...old, ...chosen.filter((f) => f.size <= MAX_FILE_BYTES)].slice(0, 10))
                e.currentTarget.value = ''
              }}
            />
          </Button>
          <Group gap="xs">
            {!isNote && (
              <>
                <Button variant="default" size="sm" disabled={busy} onClick={() => void submit('pending')}>
                  {t('reply.sendPending')}
                </Button>
                <Button
                  variant="default"
                  size="sm"
                  disabled={busy}
                  onClick={() => void submit('solved')}
                  data-testid="reply-send-solve"
                >
                  {t('reply.sendSolved')}
                </Button>
              </>
            )}
            <Button
              size="sm"
              loading={busy}
              onClick={() => void submit()}
              leftSection={<IconSend size={14} aria-hidden />}
              data-testid="reply-send"
            >
              {isNote ? t('reply.saveNote') : t('reply.send')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Paper>
  )
})
ReplyEditor.displayName = 'ReplyEditor'
