import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useQueries, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, api } from '../../api/client.ts'
import { useTeams } from '../../api/queries.ts'
import type { Organization, Page } from '../../api/types.ts'
import { PRIORITIES } from '../../api/types.ts'
import { fieldErrors } from '../../lib/field-errors.ts'
import { type CreateSlaPolicyInput, type SlaPolicy, useSlaPolicyMutations } from './api.ts'
import { formToMinutes, readableErrors, TARGET_KEYS, type TargetKey, targetToForm } from './promise-format.ts'

const CHANNELS = ['email', 'phone', 'chat', 'walk_in', 'portal', 'api'] as const

type TargetDraft = { on: boolean; value: number | string; unit: 'minutes' | 'hours'; business: boolean }

const draftOf = (policy: SlaPolicy | undefined, key: TargetKey): TargetDraft => {
  const target = policy?.targets[key]
  if (!target) return { on: false, value: key === 'resolution' ? 24 : 4, unit: 'hours', business: true }
  return { on: true, ...targetToForm(target.minutes), business: target.business }
}

/** Every field of the form a server problem can point to (`/body/targets/firstResponse/minutes`). */
const FIELDS = [
  'name',
  'position',
  'active',
  'conditions.channels',
  'conditions.priorities',
  'conditions.teamIds',
  'conditions.organizationIds',
  'conditions.tags',
  'conditions',
  ...TARGET_KEYS.map((k) => `targets.${k}`),
  'targets',
  'warnAt',
  'maxPauseMinutes',
] as const

/** Organizations to choose from: a search, plus the names of those already chosen. */
const useOrganizationOptions = (search: string, selected: string[]) => {
  const [q] = useDebouncedValue(search.trim(), 250)
  const found = useQuery({
    queryKey: ['organizations', 'search', q],
    queryFn: ({ signal }) =>
      api<Page<Organization>>('/organizations', { query: { q: q || undefined, limit: 25 }, signal }),
    staleTime: 30_000,
  })
  const listed = new Map((found.data?.items ?? []).map((o) => [o.id, o.name]))
  const chosen = useQueries({
    queries: selected
      .filter((id) => !listed.has(id))
      .map((id) => ({
        queryKey: ['organizations', id],
        queryFn: ({ signal }: { signal: AbortSignal }) =>
          api<Organization>(`/organizations/${id}`, { signal }),
        staleTime: 60_000,
      })),
  })
  for (const c of chosen) if (c.data) listed.set(c.data.id, c.data.name)
  for (const id of selected) if (!listed.has(id)) listed.set(id, '…')
  return [...listed].map(([value, label]) => ({ value, label }))
}

/** Creates or changes a response-target policy; `policy` undefined creates one at the end. */
export const SlaPolicyModal = ({
  policy,
  onClose,
}: {
  policy: SlaPolicy | undefined
  onClose: () => void
}) => {
  const { t } = useTranslation()
  const teams = useTeams()
  const m = useSlaPolicyMutations()
  const [name, setName] = useState(policy?.name ?? '')
  const [active, setActive] = useState(policy?.active ?? true)
  const [channels, setChannels] = useState<string[]>(policy?.conditions.channels ?? [])
  const [priorities, setPriorities] = useState<string[]>(policy?.conditions.priorities ?? [])
  const [teamIds, setTeamIds] = useState<string[]>(policy?.conditions.teamIds ?? [])
  const [organizationIds, setOrganizationIds] = useState<string[]>(policy?.conditions.organizationIds ?? [])
  const [orgSearch, setOrgSearch] = useState('')
  const [tags, setTags] = useState<string[]>(policy?.conditions.tags ?? [])
  const [targets, setTargets] = useState<Record<TargetKey, TargetDraft>>(
    () =>
      Object.fromEntries(TARGET_KEYS.map((k) => [k, draftOf(policy, k)])) as Record<TargetKey, TargetDraft>,
  )
  const [warnPercent, setWarnPercent] = useState<number | string>(Math.round((policy?.warnAt ?? 0.75) * 100))
  const [maxPause, setMaxPause] = useState<number | string>(policy?.maxPauseMinutes ?? 1440)
  const organizations = useOrganizationOptions(orgSearch, organizationIds)

  const mutation = policy ? m.update : m.create
  const problem = mutation.error instanceof ApiError ? mutation.error.problem : undefined
  // A field's error goes once the field is changed (its red is only for what still needs fixing).
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set())
  const found = fieldErrors(problem, FIELDS)
  const errors = {
    fields: Object.fromEntries(Object.entries(found.fields).filter(([k]) => !changed.has(k))),
    rest: found.rest,
  }
  const touch = (field: string) => setChanged((old) => (old.has(field) ? old : new Set([...old, field])))
  const general = mutation.error && !problem?.errors?.length ? mutation.error.message : undefined
  const anyTarget = TARGET_KEYS.some((k) => targets[k].on)
  const setTarget = (key: TargetKey, patch: Partial<TargetDraft>) => {
    setTargets((all) => ({ ...all, [key]: { ...all[key], ...patch } }))
    touch(`targets.${key}`)
    touch('targets')
  }

  const submit = () => {
    setChanged(new Set())
    const input = {
      name: name.trim(),
      active,
      conditions: {
        ...(channels.length ? { channels } : {}),
        ...(priorities.length ? { priorities: priorities as (typeof PRIORITIES)[number][] } : {}),
        ...(teamIds.length ? { teamIds } : {}),
        ...(organizationIds.length ? { organizationIds } : {}),
        ...(tags.length ? { tags } : {}),
      },
      targets: Object.fromEntries(
        TARGET_KEYS.filter((k) => targets[k].on).map((k) => [
          k,
          {
            minutes: formToMinutes(Number(targets[k].value), targets[k].unit),
            business: targets[k].business,
          },
        ]),
      ),
      warnAt: Number(warnPercent) / 100,
      maxPauseMinutes: Number(maxPause),
    } satisfies CreateSlaPolicyInput
    if (policy) m.update.mutate({ id: policy.id, input }, { onSuccess: onClose })
    else m.create.mutate(input, { onSuccess: onClose })
  }

  return (
    <Modal
      opened
      onClose={onClose}
      size="xl"
      title={
        policy ? t('promises.admin.form.editTitle', { name: policy.name }) : t('promises.admin.form.newTitle')
      }
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        style={readableErrors}
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <Stack gap="sm">
          {(general || errors.rest.length > 0) && (
            <Alert color="red" role="alert" data-testid="sla-policy-error">
              {[general, ...errors.rest].filter(Boolean).join(' · ')}
            </Alert>
          )}
          <Group align="flex-end" grow>
            <TextInput
              label={t('promises.admin.form.name')}
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value)
                touch('name')
              }}
              error={errors.fields.name}
              required
              maxLength={200}
              data-testid="sla-policy-name"
            />
            <Switch
              label={t('promises.admin.form.active')}
              checked={active}
              onChange={(e) => setActive(e.currentTarget.checked)}
              style={{ flexGrow: 0 }}
            />
          </Group>

          <Fieldset legend={t('promises.admin.form.conditions')}>
            <Text size="sm" c="dimmed" mb="xs">
              {t('promises.admin.form.conditionsHelp')}
            </Text>
            <Stack gap="xs">
              <Group grow align="flex-start">
                <MultiSelect
                  label={t('promises.admin.form.channels')}
                  data={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
                  value={channels}
                  onChange={(v) => {
                    setChannels(v)
                    touch('conditions.channels')
                  }}
                  error={errors.fields['conditions.channels']}
                  clearable
                  data-testid="sla-policy-channels"
                />
                <MultiSelect
                  label={t('promises.admin.form.priorities')}
                  data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
                  value={priorities}
                  onChange={(v) => {
                    setPriorities(v)
                    touch('conditions.priorities')
                  }}
                  error={errors.fields['conditions.priorities']}
                  clearable
                  data-testid="sla-policy-priorities"
                />
              </Group>
              <Group grow align="flex-start">
                <MultiSelect
                  label={t('promises.admin.form.teams')}
                  data={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
                  value={teamIds}
                  onChange={(v) => {
                    setTeamIds(v)
                    touch('conditions.teamIds')
                  }}
                  error={errors.fields['conditions.teamIds']}
                  searchable
                  clearable
                  data-testid="sla-policy-teams"
                />
                <MultiSelect
                  label={t('promises.admin.form.organizations')}
                  placeholder={
                    organizationIds.length ? undefined : t('promises.admin.form.organizationsSearch')
                  }
                  data={organizations}
                  value={organizationIds}
                  onChange={(v) => {
                    setOrganizationIds(v)
                    touch('conditions.organizationIds')
                  }}
                  searchValue={orgSearch}
                  onSearchChange={setOrgSearch}
                  filter={({ options }) => options}
                  error={errors.fields['conditions.organizationIds']}
                  searchable
                  clearable
                  data-testid="sla-policy-organizations"
                />
              </Group>
              <TagsInput
                label={t('promises.admin.form.tags')}
                value={tags}
                onChange={(v) => {
                  setTags(v)
                  touch('conditions.tags')
                }}
                error={errors.fields['conditions.tags']}
                clearable
                data-testid="sla-policy-tags"
              />
              {errors.fields.conditions && (
                <Text size="sm" c="red.9">
                  {errors.fields.conditions}
                </Text>
              )}
            </Stack>
          </Fieldset>

          <Fieldset legend={t('promises.admin.form.targets')}>
            <Text size="sm" c="dimmed" mb="xs">
              {t('promises.admin.form.targetsHelp')}
            </Text>
            <Stack gap="xs">
              {TARGET_KEYS.map((key) => {
                const d = targets[key]
                const label = t(`promises.kind.${key}`)
                return (
                  <Group key={key} align="flex-start" wrap="wrap" gap="sm" data-testid={`sla-target-${key}`}>
                    <Checkbox
                      label={label}
                      checked={d.on}
                      onChange={(e) => setTarget(key, { on: e.currentTarget.checked })}
                      w={170}
                      mt={30}
                      data-testid={`sla-target-${key}-on`}
                    />
                    <NumberInput
                      label={t('promises.admin.form.value')}
                      aria-label={`${label}: ${t('promises.admin.form.value')}`}
                      value={d.value}
                      onChange={(v) => setTarget(key, { value: v })}
                      min={1}
                      allowDecimal={false}
                      allowNegative={false}
                      disabled={!d.on}
                      required={d.on}
                      error={errors.fields[`targets.${key}`]}
                      w={120}
                      data-testid={`sla-target-${key}-value`}
                    />
                    <Select
                      label={t('promises.admin.form.unit')}
                      aria-label={`${label}: ${t('promises.admin.form.unit')}`}
                      data={[
                        { value: 'minutes', label: t('promises.admin.form.minutes') },
                        { value: 'hours', label: t('promises.admin.form.hours') },
                      ]}
                      value={d.unit}
                      onChange={(v) => v && setTarget(key, { unit: v as TargetDraft['unit'] })}
                      allowDeselect={false}
                      disabled={!d.on}
                      w={130}
                      data-testid={`sla-target-${key}-unit`}
                    />
                    <Switch
                      label={t('promises.admin.form.business')}
                      aria-label={`${label}: ${t('promises.admin.form.business')}`}
                      description={t('promises.admin.form.businessHelp')}
                      checked={d.business}
                      onChange={(e) => setTarget(key, { business: e.currentTarget.checked })}
                      disabled={!d.on}
                      mt={24}
                      maw={260}
                      data-testid={`sla-target-${key}-business`}
                    />
                  </Group>
                )
              })}
              {(!anyTarget || errors.fields.targets) && (
                <Text size="sm" c="red.9" data-testid="sla-targets-error">
                  {errors.fields.targets ?? t('promises.admin.form.needTarget')}
                </Text>
              )}
            </Stack>
          </Fieldset>

          <Group grow align="flex-start">
            <NumberInput
              label={t('promises.admin.form.warnAt')}
              description={t('promises.admin.form.warnAtHelp')}
              value={warnPercent}
              onChange={(v) => {
                setWarnPercent(v)
                touch('warnAt')
              }}
              min={50}
              max={99}
              allowDecimal={false}
              error={errors.fields.warnAt}
              data-testid="sla-policy-warn"
            />
            <NumberInput
              label={t('promises.admin.form.maxPause')}
              description={t('promises.admin.form.maxPauseHelp')}
              value={maxPause}
              onChange={(v) => {
                setMaxPause(v)
                touch('maxPauseMinutes')
              }}
              min={5}
              max={43_200}
              allowDecimal={false}
              error={errors.fields.maxPauseMinutes}
              data-testid="sla-policy-max-pause"
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('promises.admin.form.cancel')}
            </Button>
            <Button
              type="submit"
              loading={mutation.isPending}
              disabled={!anyTarget}
              data-testid="sla-policy-save"
            >
              {t('promises.admin.form.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
