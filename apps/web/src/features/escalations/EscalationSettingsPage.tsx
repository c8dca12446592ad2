import {
  Alert,
  Badge,
  Button,
  Fieldset,
  Group,
  NumberInput,
  Skeleton,
  Stack,
  Switch,
  TagsInput,
  Text,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { ErrorPage } from '../../components/ErrorPage.tsx'
import { fieldErrors } from '../../lib/field-errors.ts'
import { useSession } from '../../session.tsx'
import { readableErrors } from '../promises/promise-format.ts'
import { type EscalationSettings, useEscalationSettings, useSaveEscalationSettings } from './api.ts'

const FIELDS = [
  'joinTargetMinutes',
  'onWarning',
  'onBreach',
  'transfersThreshold',
  'onComplaint',
  'extraComplaintWords',
  'ignoredComplaintWords',
] as const

type Draft = Omit<EscalationSettings, 'joinTargetMinutes' | 'transfersThreshold'> & {
  joinTargetMinutes: number | string
  transfersThreshold: number | string
}

/** Admins set when tickets are escalated and how soon a supervisor must join. */
const EscalationSettingsPage = () => {
  const { t } = useTranslation()
  const { isAdmin } = useSession()
  const settings = useEscalationSettings(isAdmin)
  const save = useSaveEscalationSettings()
  const [draft, setDraft] = useState<Draft | undefined>()
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set())
  useEffect(() => {
    if (settings.data) {
      const { builtInComplaintWords: _, ...rest } = settings.data
      setDraft(rest)
    }
  }, [settings.data])
  if (!isAdmin) return <ErrorPage kind="forbidden" />
  if (settings.error instanceof ApiError && settings.error.status === 403)
    return <ErrorPage kind="forbidden" />

  const problem = save.error instanceof ApiError ? save.error.problem : undefined
  const found = fieldErrors(problem, FIELDS)
  const errors = Object.fromEntries(Object.entries(found.fields).filter(([k]) => !changed.has(k)))
  const general = save.error && !problem?.errors?.length ? save.error.message : undefined
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => (d ? { ...d, [key]: value } : d))
    setChanged((old) => (old.has(key) ? old : new Set([...old, key])))
  }
  const builtIn = settings.data?.builtInComplaintWords ?? []

  return (
    <Stack p="md" maw={860}>
      <Title order={1} size="h3">
        {t('escalations.admin.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('escalations.admin.intro')}
      </Text>
      {settings.isError && (
        <Alert color="red" role="alert">
          {settings.error.message}
        </Alert>
      )}
      {!draft ? (
        !settings.isError && <Skeleton h={520} />
      ) : (
        <form
          style={readableErrors}
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            setChanged(new Set())
            save.mutate(
              {
                ...draft,
                joinTargetMinutes: Number(draft.joinTargetMinutes),
                transfersThreshold: Number(draft.transfersThreshold),
              },
              { onSuccess: () => notifications.show({ color: 'green', message: t('common.saved') }) },
            )
          }}
          data-testid="escalation-settings"
        >
          <Stack gap="md">
            {(general || found.rest.length > 0) && (
              <Alert color="red" role="alert" data-testid="escalation-settings-error">
                {[general, ...found.rest].filter(Boolean).join(' · ')}
              </Alert>
            )}
            <NumberInput
              label={t('escalations.admin.joinTarget')}
              description={t('escalations.admin.joinTargetHelp')}
              value={draft.joinTargetMinutes}
              onChange={(v) => set('joinTargetMinutes', v)}
              error={errors.joinTargetMinutes}
              min={1}
              max={480}
              allowDecimal={false}
              allowNegative={false}
              required
              maw={420}
              data-testid="escalation-join-target"
            />
            <Fieldset legend={t('escalations.admin.rules')}>
              <Stack gap="sm">
                <Switch
                  label={t('escalations.admin.onWarning')}
                  checked={draft.onWarning}
                  onChange={(e) => set('onWarning', e.currentTarget.checked)}
                  error={errors.onWarning}
                  data-testid="escalation-on-warning"
                />
                <Switch
                  label={t('escalations.admin.onBreach')}
                  checked={draft.onBreach}
                  onChange={(e) => set('onBreach', e.currentTarget.checked)}
                  error={errors.onBreach}
                  data-testid="escalation-on-breach"
                />
                <Switch
                  label={t('escalations.admin.onComplaint')}
                  checked={draft.onComplaint}
                  onChange={(e) => set('onComplaint', e.currentTarget.checked)}
                  error={errors.onComplaint}
                  data-testid="escalation-on-complaint"
                />
                <NumberInput
                  label={t('escalations.admin.transfers')}
                  description={t('escalations.admin.transfersHelp')}
                  value={draft.transfersThreshold}
                  onChange={(v) => set('transfersThreshold', v)}
                  error={errors.transfersThreshold}
                  min={0}
                  max={20}
                  allowDecimal={false}
                  allowNegative={false}
                  required
                  maw={420}
                  data-testid="escalation-transfers"
                />
              </Stack>
            </Fieldset>
            <Fieldset legend={t('escalations.admin.words')}>
              <Stack gap="sm">
                <Text size="sm" c="dimmed">
                  {t('escalations.admin.wordsHelp')}
                </Text>
                <TagsInput
                  label={t('escalations.admin.extraWords')}
                  description={t('escalations.admin.extraWordsHelp')}
                  value={draft.extraComplaintWords}
                  onChange={(v) => set('extraComplaintWords', v)}
                  error={errors.extraComplaintWords}
                  maxTags={200}
                  clearable
                  data-testid="escalation-extra-words"
                />
                <TagsInput
                  label={t('escalations.admin.ignoredWords')}
                  description={t('escalations.admin.ignoredWordsHelp')}
                  value={draft.ignoredComplaintWords}
                  onChange={(v) => set('ignoredComplaintWords', v)}
                  error={errors.ignoredComplaintWords}
                  data={builtIn}
                  maxTags={200}
                  clearable
                  data-testid="escalation-ignored-words"
                />
                <Stack gap={4}>
                  <Text size="sm" fw={500} id="escalation-built-in-label">
                    {t('escalations.admin.builtIn', { count: builtIn.length })}
                  </Text>
                  <Group
                    gap={4}
                    role="list"
                    aria-labelledby="escalation-built-in-label"
                    data-testid="escalation-built-in"
                  >
                    {builtIn.map((w) => {
                      const ignored = draft.ignoredComplaintWords.includes(w)
                      return (
                        <Badge
                          key={w}
                          role="listitem"
                          variant="light"
                          color="gray"
                          c="gray.9"
                          tt="none"
                          td={ignored ? 'line-through' : undefined}
                          title={ignored ? t('escalations.admin.ignored') : undefined}
                          aria-label={ignored ? `${w} (${t('escalations.admin.ignored')})` : undefined}
                        >
                          {w}
                        </Badge>
                      )
                    })}
                  </Group>
                </Stack>
              </Stack>
            </Fieldset>
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} data-testid="escalation-settings-save">
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  )
}

export default EscalationSettingsPage
