import '@mantine/tiptap/styles.css'
import '../features/text-modules/text-modules.css'
import {
  Alert,
  Button,
  Checkbox,
  CloseButton,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
} from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { notifications } from '@mantine/notifications'
import { RichTextEditor } from '@mantine/tiptap'
import { IconMoodSad, IconPaperclip, IconSend } from '@tabler/icons-react'
import { useQuery } from '@tanstack/react-query'
import type { Range } from '@tiptap/core'
import { useEditor } from '@tiptap/react'
import StarterKit from '@tiptap/starter-kit'
import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AddInteractionInput, TicketDetail, TicketStatus } from '../api/types.ts'
import { renderTextModule, searchTextModules, type TextModule } from '../features/text-modules/api.ts'
import {
  MISSING_MARK,
  MissingValue,
  type SuggestionBridge,
  type SuggestionView,
  textModuleSuggestion,
} from '../features/text-modules/editor-extensions.ts'
import { SuggestionList } from '../features/text-modules/SuggestionList.tsx'
import { TextModulePicker } from '../features/text-modules/TextModulePicker.tsx'
import { loadDraft, saveDraft } from '../lib/drafts.ts'
import { fileSize } from '../lib/format.ts'

export type ComposeKind = 'reply' | 'note'

/** Text modules with one of these tags are offered as the apology after a broken promise. */
const APOLOGY_TAGS = ['entschuldigung', 'apology']
export type ReplyEditorHandle = { focus: (kind: ComposeKind) => void }

type Props = {
  ticket: TicketDetail
  send: (input: AddInteractionInput, files: File[]) => Promise<unknown>
  /** Called while the agent types, so others on the ticket see it. */
  onTyping: () => void
}

const MAX_FILE_BYTES = 25 * 1024 * 1024

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A draft as the editor takes it: HTML, or plain text saved by an older version of the editor. */
const draftContent = (draft: string) =>
  !draft || draft.trimStart().startsWith('<')
    ? draft
    : draft
        .split(/\n{2,}/)
        .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
        .join('')

/**
 * Public reply or internal note with basic formatting (bold, italic, lists, links, quotes) and
 * attachments. `::` and a few letters, or the picker, insert a text module filled in for the
 * ticket. The HTML is kept as a draft until it is sent; the server sanitizes it again and makes
 * the plain-text part from it.
 */
export const ReplyEditor = forwardRef<ReplyEditorHandle, Props>(({ ticket, send, onTyping }, ref) => {
  const { t, i18n } = useTranslation()
  const [kind, setKind] = useState<ComposeKind>('reply')
  const [files, setFiles] = useState<File[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [empty, setEmpty] = useState(true)
  const [suggestion, setSuggestion] = useState<SuggestionView | null>(null)
  const [active, setActive] = useState(0)
  // A promise to this customer broke and no reply followed yet: the reply is asked to apologise.
  const apologyDue = ticket.promises.some(
    (p) => p.customerFacing && p.breachedAt !== null && p.apologized === null,
  )
  const [apologized, setApologized] = useState(false)
  const modules = useQuery({
    queryKey: ['text-modules', 'apology'],
    queryFn: ({ signal }) => searchTextModules('', signal, 200),
    enabled: apologyDue,
    staleTime: 60_000,
  })
  const apologyModule = modules.data?.find((m) =>
    m.tags.some((tag) => APOLOGY_TAGS.includes(tag.toLowerCase())),
  )
  const state = useRef({ kind, ticketId: ticket.id, suggestion, active, submit: (_?: TicketStatus) => {} })
  state.current.kind = kind
  state.current.ticketId = ticket.id
  state.current.suggestion = suggestion
  state.current.active = active

  const insertModule = async (m: TextModule, range?: Range) => {
    try {
      const rendered = await renderTextModule(m.id, state.current.ticketId)
      const chain = editor?.chain().focus()
      ;(range ? chain?.insertContentAt(range, rendered.html) : chain?.insertContent(rendered.html))?.run()
      if (rendered.fallback) {
        notifications.show({
          color: 'yellow',
          message: t('textModules.fallback', { language: t(`language.${rendered.language}`) }),
        })
      }
      if (rendered.missing.length > 0) {
        notifications.show({ color: 'orange', message: t('textModules.fillMissing') })
      }
    } catch (err) {
      setError(t('textModules.insertFailed', { reason: (err as Error).message }))
    }
  }

  const bridge = useRef<SuggestionBridge>({
    show: () => {},
    keyDown: () => false,
    insert: () => {},
  })
  bridge.current = {
    show: (view) => {
      setSuggestion(view)
      setActive(0)
    },
    keyDown: (event) => {
      const view = state.current.suggestion
      if (!view) return false
      if (event.key === 'Escape') {
        setSuggestion(null)
        return true
      }
      if (view.items.length === 0) return false
      if (event.key === 'ArrowDown') {
        setActive((state.current.active + 1) % view.items.length)
        return true
      }
      if (event.key === 'ArrowUp') {
        setActive((state.current.active - 1 + view.items.length) % view.items.length)
        return true
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        const item = view.items[state.current.active]
        if (item) view.choose(item)
        return true
      }
      return false
    },
    insert: (item, range) => void insertModule(item, range),
  }

  const extensions = useMemo(
    () => [
      StarterKit.configure({
        heading: false,
        codeBlock: false,
        code: false,
        horizontalRule: false,
        strike: false,
        underline: false,
        link: { openOnClick: false, autolink: true, protocols: ['mailto', 'tel'], defaultProtocol: 'https' },
      }),
      MissingValue,
      textModuleSuggestion(bridge),
    ],
    [],
  )

  const editor = useEditor({
    extensions,
    content: draftContent(loadDraft(ticket.id, 'reply')),
    editorProps: {
      attributes: {
        'data-testid': 'reply-text',
        'aria-label': t('reply.replyLabel', { name: ticket.customer.name }),
        role: 'textbox',
        'aria-multiline': 'true',
      },
      handleKeyDown: (_view, event) => {
        if (state.current.suggestion) return false
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          state.current.submit()
          return true
        }
        if (event.key === 'Escape') {
          ;(event.target as HTMLElement | null)?.blur()
          return true
        }
        return false
      },
    },
    onCreate: ({ editor }) => setEmpty(editor.isEmpty),
    onUpdate: ({ editor }) => {
      setEmpty(editor.isEmpty)
      saveDraft(state.current.ticketId, state.current.kind, editor.isEmpty ? '' : editor.getHTML())
      onTyping()
    },
  })

  // The accessible name follows the kind (and the customer).
  const label = kind === 'note' ? t('reply.noteLabel') : t('reply.replyLabel', { name: ticket.customer.name })
  useEffect(() => {
    editor?.setOptions({
      editorProps: {
        ...editor.options.editorProps,
        attributes: { ...editor.options.editorProps.attributes, 'aria-label': label },
      },
    })
  }, [editor, label])

  const setContent = (html: string) => {
    editor?.commands.setContent(draftContent(html), { emitUpdate: false })
    setEmpty(editor?.isEmpty ?? true)
  }

  useImperativeHandle(ref, () => ({
    focus: (k) => {
      switchKind(k)
      setTimeout(() => editor?.commands.focus('end'), 0)
    },
  }))

  // A draft per ticket and kind; another ticket brings its own.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the ticket changes, not the kind
  useEffect(() => {
    setContent(loadDraft(ticket.id, kind))
    setFiles([])
    setError(undefined)
  }, [ticket.id, editor])

  const currentHtml = () => (editor && !editor.isEmpty ? editor.getHTML() : '')

  const switchKind = (k: ComposeKind) => {
    if (k === state.current.kind) return
    saveDraft(ticket.id, state.current.kind, currentHtml())
    setKind(k)
    setContent(loadDraft(ticket.id, k))
  }

  const submit = async (status?: TicketStatus) => {
    if (!editor) return
    const html = currentHtml()
    const text = editor.getText({ blockSeparator: '\n\n' }).trim()
    if (!text && files.length === 0) return
    if (kind === 'reply' && MISSING_MARK.test(text)) {
      setError(t('textModules.unfilled'))
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      await send(
        {
          kind,
          text,
          ...(html ? { html } : {}),
          ...(status ? { status } : {}),
          ...(kind === 'reply' && apologyDue ? { apology: apologized } : {}),
        },
        files,
      )
      setApologized(false)
      saveDraft(ticket.id, kind, '')
      setContent('')
      setFiles([])
    } catch (err) {
      // The draft stays, in the field and in storage.
      setError(t('reply.failed', { reason: (err as Error).message }))
    } finally {
      setBusy(false)
    }
  }
  state.current.submit = (status) => void submit(status)

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
        {kind === 'reply' && apologyDue && (
          <Alert
            color="orange"
            variant="light"
            icon={<IconMoodSad size={18} aria-hidden />}
            title={t('reply.apologyTitle')}
            data-testid="apology-prompt"
          >
            <Stack gap={6}>
              <Text size="sm">{t('reply.apologyHint')}</Text>
              <Group gap="sm">
                {apologyModule && (
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => {
                      void insertModule(apologyModule)
                      setApologized(true)
                    }}
                  >
                    {t('reply.apologyInsert')}
                  </Button>
                )}
                <Checkbox
                  size="xs"
                  checked={apologized}
                  onChange={(e) => setApologized(e.currentTarget.checked)}
                  label={t('reply.apologyGiven')}
                />
              </Group>
            </Stack>
          </Alert>
        )}
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
          enablePointerEvents
          p={0}
          style={{ border: 'none' }}
          aria-label={t('reply.dropHere')}
        >
          <Stack gap={4}>
            <Text size="sm" fw={500} component="div">
              {label}
            </Text>
            {isNote && (
              <Text size="xs" c="dimmed">
                {t('reply.noteHelp')}
              </Text>
            )}
            <RichTextEditor
              editor={editor}
              className="reply-editor-content"
              labels={{
                boldControlLabel: t('editor.bold'),
                italicControlLabel: t('editor.italic'),
                bulletListControlLabel: t('editor.bulletList'),
                orderedListControlLabel: t('editor.orderedList'),
                linkControlLabel: t('editor.link'),
                unlinkControlLabel: t('editor.unlink'),
                blockquoteControlLabel: t('editor.quote'),
                linkEditorInputLabel: t('editor.linkAddress'),
                linkEditorInputPlaceholder: 'https://example.com/',
                linkEditorExternalLink: t('editor.linkNewTab'),
                linkEditorInternalLink: t('editor.linkSameTab'),
                linkEditorSave: t('editor.linkSave'),
              }}
            >
              <RichTextEditor.Toolbar>
                <RichTextEditor.ControlsGroup>
                  <RichTextEditor.Bold />
                  <RichTextEditor.Italic />
                </RichTextEditor.ControlsGroup>
                <RichTextEditor.ControlsGroup>
                  <RichTextEditor.BulletList />
                  <RichTextEditor.OrderedList />
                  <RichTextEditor.Blockquote />
                </RichTextEditor.ControlsGroup>
                <RichTextEditor.ControlsGroup>
                  <RichTextEditor.Link />
                  <RichTextEditor.Unlink />
                </RichTextEditor.ControlsGroup>
                <RichTextEditor.ControlsGroup>
                  <TextModulePicker onPick={(m) => void insertModule(m)} />
                </RichTextEditor.ControlsGroup>
              </RichTextEditor.Toolbar>
              <RichTextEditor.Content />
            </RichTextEditor>
            {!isNote && empty && (
              <Text size="xs" c="dimmed">
                {t('textModules.hint')}
              </Text>
            )}
          </Stack>
        </Dropzone>
        {suggestion && (
          <SuggestionList
            items={suggestion.items}
            rect={suggestion.rect}
            active={active}
            onChoose={(m) => suggestion.choose(m)}
          />
        )}
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
