import { Alert, Button, Checkbox, Group, Modal, Radio, Stack, Text } from '@mantine/core'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type ClosingAnswers, type ClosingItem, useClosingChecklist } from './api.ts'

const complete = (items: ClosingItem[], answers: ClosingAnswers) =>
  items.every((i) => !i.required || (i.kind === 'check' ? answers[i.key] === true : Boolean(answers[i.key])))

/**
 * The closing checklist, asked before a ticket is solved: every required item must be ticked or
 * chosen before the solve can be confirmed. The answers go with the solve.
 */
export const ClosingDialog = ({
  opened,
  onCancel,
  onConfirm,
}: {
  opened: boolean
  onCancel: () => void
  onConfirm: (answers: ClosingAnswers) => Promise<unknown>
}) => {
  const { t, i18n } = useTranslation()
  const checklist = useClosingChecklist(opened)
  const [answers, setAnswers] = useState<ClosingAnswers>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  useEffect(() => {
    if (opened) {
      setAnswers({})
      setError(undefined)
    }
  }, [opened])
  const lang = i18n.language === 'en' ? 'en' : 'de'
  const items = checklist.data?.items ?? []
  const set = (key: string, value: boolean | string) =>
    setAnswers((old) => {
      const next = { ...old }
      if (value === false) delete next[key]
      else next[key] = value
      return next
    })
  const confirm = async () => {
    setBusy(true)
    setError(undefined)
    try {
      await onConfirm(answers)
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal
      opened={opened}
      onClose={onCancel}
      title={t('closing.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      data-testid="closing-dialog"
    >
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('closing.intro')}
        </Text>
        {checklist.isError && <Alert color="red">{t('closing.loadFailed')}</Alert>}
        {items.map((item) =>
          item.kind === 'check' ? (
            <Checkbox
              key={item.key}
              label={item.label[lang]}
              checked={answers[item.key] === true}
              onChange={(e) => set(item.key, e.currentTarget.checked)}
              data-testid={`closing-${item.key}`}
            />
          ) : (
            <Radio.Group
              key={item.key}
              label={item.label[lang]}
              withAsterisk={item.required}
              value={typeof answers[item.key] === 'string' ? (answers[item.key] as string) : null}
              onChange={(v) => set(item.key, v)}
            >
              <Stack gap={6} mt={6}>
                {item.options.map((o) => (
                  <Radio
                    key={o.value}
                    value={o.value}
                    label={o.label[lang]}
                    data-testid={`closing-${item.key}-${o.value}`}
                  />
                ))}
              </Stack>
            </Radio.Group>
          ),
        )}
        {error && (
          <Alert color="red" role="alert" data-testid="closing-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('closing.cancel')}
          </Button>
          <Button
            onClick={() => void confirm()}
            loading={busy}
            disabled={!checklist.data || !complete(items, answers)}
            data-testid="closing-confirm"
          >
            {t('closing.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

/** The checklist as answered at the solve, shown on the ticket page. */
export const ClosingSummary = ({
  closing,
}: {
  closing: {
    answers: {
      key: string
      label: { de: string; en: string }
      answer: unknown
      answerLabel: { de: string; en: string } | null
    }[]
    followUp: boolean
  }
}) => {
  const { t, i18n } = useTranslation()
  const lang = i18n.language === 'en' ? 'en' : 'de'
  return (
    <Stack gap={2} data-testid="closing-summary">
      <Text size="xs" fw={600}>
        {t('closing.answered')}
      </Text>
      {closing.answers.map((a) => (
        <Text size="xs" key={a.key}>
          ✓ {a.label[lang]}
          {a.answerLabel ? `: ${a.answerLabel[lang]}` : ''}
        </Text>
      ))}
      {closing.followUp && (
        <Text size="xs" c="dimmed">
          {t('closing.followUpPlanned')}
        </Text>
      )}
    </Stack>
  )
}
