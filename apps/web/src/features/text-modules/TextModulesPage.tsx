import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Tabs,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { useTeams } from '../../api/queries.ts'
import { fieldErrors } from '../../lib/field-errors.ts'
import { useSession } from '../../session.tsx'
import { type TextModule, type TextModuleScope, useTextModuleMutations, useTextModules } from './api.ts'

/** The variables a module may use (the server's list), for the help beside the editor. */
export const VARIABLES = [
  'customer.greeting',
  'customer.name',
  'customer.firstName',
  'customer.lastName',
  'ticket.number',
  'ticket.subject',
  'agent.name',
  'agent.firstName',
  'team.name',
  'ticket.expectedAnswer',
  'today',
] as const

type Form = {
  scope: TextModuleScope
  teamId: string | null
  shortcut: string
  title: string
  tags: string[]
  de: { subject: string; body: string }
  en: { subject: string; body: string }
  archived: boolean
}

const emptyForm: Form = {
  scope: 'personal',
  teamId: null,
  shortcut: '',
  title: '',
  tags: [],
  de: { subject: '', body: '' },
  en: { subject: '', body: '' },
  archived: false,
}

const formOf = (m: TextModule): Form => ({
  scope: m.scope,
  teamId: m.team?.id ?? null,
  shortcut: m.shortcut,
  title: m.title,
  tags: m.tags,
  de: { subject: m.variants.de?.subject ?? '', body: m.variants.de?.body ?? '' },
  en: { subject: m.variants.en?.subject ?? '', body: m.variants.en?.body ?? '' },
  archived: m.archived,
})

const variantsOf = (f: Form) => {
  const one = (v: Form['de']) =>
    v.body.trim() ? { body: v.body, ...(v.subject.trim() ? { subject: v.subject } : {}) } : undefined
  const de = one(f.de)
  const en = one(f.en)
  return { ...(de ? { de } : {}), ...(en ? { en } : {}) }
}

const FIELDS = [
  'scope',
  'teamId',
  'shortcut',
  'title',
  'tags',
  'variants.de',
  'variants.en',
  'variants',
] as const

/** Text modules: everyone keeps personal ones; supervisors their teams', admins global ones. */
const TextModulesPage = () => {
  const { t } = useTranslation()
  const { isAdmin, supervises } = useSession()
  const [showArchived, setShowArchived] = useState(false)
  const list = useTextModules('', showArchived)
  const teams = useTeams()
  const m = useTextModuleMutations()
  const [editing, setEditing] = useState<TextModule | 'new' | null>(null)
  const [form, setForm] = useState<Form>(emptyForm)
  const manageableTeams = (teams.data ?? []).filter((x) => supervises(x.id))
  const scopes: TextModuleScope[] = [
    'personal',
    ...(manageableTeams.length > 0 ? (['team'] as const) : []),
    ...(isAdmin ? (['global'] as const) : []),
  ]
  const mutation = editing === 'new' ? m.create : m.update
  const problem = mutation.error instanceof ApiError ? mutation.error.problem : undefined
  const errors = fieldErrors(problem, FIELDS)

  const open = (target: TextModule | 'new') => {
    m.create.reset()
    m.update.reset()
    setEditing(target)
    setForm(target === 'new' ? emptyForm : formOf(target))
  }
  const save = () => {
    const done = () => {
      notifications.show({ color: 'green', message: t('textModules.saved') })
      setEditing(null)
    }
    if (editing === 'new') {
      m.create.mutate(
        {
          scope: form.scope,
          ...(form.scope === 'team' && form.teamId ? { teamId: form.teamId } : {}),
          shortcut: form.shortcut,
          title: form.title,
          tags: form.tags,
          variants: variantsOf(form),
        },
        { onSuccess: done },
      )
    } else if (editing) {
      m.update.mutate(
        {
          id: editing.id,
          input: {
            shortcut: form.shortcut,
            title: form.title,
            tags: form.tags,
            variants: variantsOf(form),
            archived: form.archived,
          },
        },
        { onSuccess: done },
      )
    }
  }

  const variantTab = (lang: 'de' | 'en') => (
    <Stack gap="xs" pt="xs">
      <TextInput
        label={t('textModules.subject')}
        description={t('textModules.subjectHelp')}
        value={form[lang].subject}
        onChange={(e) => setForm({ ...form, [lang]: { ...form[lang], subject: e.currentTarget.value } })}
        error={errors.fields[`variants.${lang}`]}
      />
      <Textarea
        label={t('textModules.body')}
        value={form[lang].body}
        onChange={(e) => setForm({ ...form, [lang]: { ...form[lang], body: e.currentTarget.value } })}
        autosize
        minRows={6}
        data-testid={`text-module-body-${lang}`}
      />
    </Stack>
  )

  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('textModules.title')}
        </Title>
        <Group>
          <Checkbox
            label={t('textModules.showArchived')}
            checked={showArchived}
            onChange={(e) => setShowArchived(e.currentTarget.checked)}
          />
          <Button onClick={() => open('new')} data-testid="text-module-new">
            {t('textModules.new')}
          </Button>
        </Group>
      </Group>
      <Table aria-label={t('textModules.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('textModules.shortcut')}</Table.Th>
            <Table.Th>{t('textModules.name')}</Table.Th>
            <Table.Th>{t('textModules.scope')}</Table.Th>
            <Table.Th>{t('textModules.languages')}</Table.Th>
            <Table.Th>{t('textModules.uses')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((x) => (
            <Table.Tr key={x.id}>
              <Table.Td>
                <Badge variant="light">::{x.shortcut}</Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{x.title}</Text>
                {x.tags.length > 0 && (
                  <Text size="xs" c="dimmed">
                    {x.tags.join(', ')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {x.scope === 'team'
                    ? `${t('textModules.scopes.team')}: ${x.team?.name ?? ''}`
                    : t(`textModules.scopes.${x.scope}`)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {(['de', 'en'] as const)
                    .filter((l) => x.variants[l])
                    .join(', ')
                    .toUpperCase()}
                </Text>
              </Table.Td>
              <Table.Td>{x.usageCount}</Table.Td>
              <Table.Td>
                {x.editable && (
                  <Button size="xs" variant="subtle" onClick={() => open(x)}>
                    {t('textModules.edit')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.length === 0 && <Text c="dimmed">{t('textModules.empty')}</Text>}

      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('textModules.new') : t('textModules.edit')}
        size="lg"
      >
        <Stack gap="sm">
          {problem && (
            <Alert color="red" role="alert">
              {problem.title}
              {errors.rest.map((r) => (
                <Text key={r} size="xs">
                  {r}
                </Text>
              ))}
            </Alert>
          )}
          {editing === 'new' && (
            <Group grow>
              <Select
                label={t('textModules.scope')}
                data={scopes.map((s) => ({ value: s, label: t(`textModules.scopes.${s}`) }))}
                value={form.scope}
                onChange={(v) => v && setForm({ ...form, scope: v as TextModuleScope })}
                allowDeselect={false}
                error={errors.fields.scope}
              />
              {form.scope === 'team' && (
                <Select
                  label={t('textModules.team')}
                  data={manageableTeams.map((x) => ({ value: x.id, label: x.name }))}
                  value={form.teamId}
                  onChange={(v) => setForm({ ...form, teamId: v })}
                  error={errors.fields.teamId}
                />
              )}
            </Group>
          )}
          <Group grow>
            <TextInput
              label={t('textModules.shortcut')}
              description={t('textModules.shortcutHelp')}
              value={form.shortcut}
              onChange={(e) => setForm({ ...form, shortcut: e.currentTarget.value })}
              error={errors.fields.shortcut}
              required
            />
            <TextInput
              label={t('textModules.name')}
              value={form.title}
              onChange={(e) => setForm({ ...form, title: e.currentTarget.value })}
              error={errors.fields.title}
              required
            />
          </Group>
          <TagsInput
            label={t('textModules.tags')}
            value={form.tags}
            onChange={(tags) => setForm({ ...form, tags })}
            error={errors.fields.tags}
          />
          <Tabs defaultValue="de">
            <Tabs.List>
              <Tabs.Tab value="de">{t('language.de')}</Tabs.Tab>
              <Tabs.Tab value="en">{t('language.en')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="de">{variantTab('de')}</Tabs.Panel>
            <Tabs.Panel value="en">{variantTab('en')}</Tabs.Panel>
          </Tabs>
          {errors.fields.variants && (
            <Text size="sm" c="red">
              {errors.fields.variants}
            </Text>
          )}
          <Stack gap={2}>
            <Text size="xs" fw={600}>
              {t('textModules.variables')}
            </Text>
            <Group gap={4}>
              {VARIABLES.map((v) => (
                <Badge
                  key={v}
                  variant="outline"
                  size="sm"
                  tt="none"
                  title={t(`textModules.variable.${v.replace('.', '_')}`)}
                >
                  {`{{${v}}}`}
                </Badge>
              ))}
            </Group>
          </Stack>
          {editing !== 'new' && (
            <Checkbox
              label={t('textModules.archived')}
              checked={form.archived}
              onChange={(e) => setForm({ ...form, archived: e.currentTarget.checked })}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setEditing(null)}>
              {t('textModules.cancel')}
            </Button>
            <Button onClick={save} loading={mutation.isPending} data-testid="text-module-save">
              {t('textModules.save')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}

export default TextModulesPage
