import {
  Alert,
  Button,
  Fieldset,
  Group,
  List,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { useTeams } from '../../api/queries.ts'
import type { ConnectionCheck, EmailChannel } from '../../api/types.ts'
import { PasswordField } from '../../components/PasswordField.tsx'
import { type FieldErrors, fieldErrors } from '../../lib/field-errors.ts'
import { useEmailMutations } from './api.ts'
import { ConnectionCheckResults } from './ConnectionCheckResults.tsx'
import {
  applyProvider,
  type ChannelForm,
  channelToForm,
  emptyChannelForm,
  formToBody,
  hasOAuthSettings,
  keepsOAuthSecret,
  keepsSecret,
  type OAuthForm,
  oauthConfigured,
  PROVIDERS,
  type Provider,
  providerOf,
  type ServerForm,
  TENANT_PLACEHOLDER,
  usesOAuth2,
  visibleFields,
} from './channel-form.ts'

type ServerKind = 'imap' | 'smtp'

const ServerFields = ({
  kind,
  value,
  stored,
  oauth,
  onChange,
  errors,
}: {
  kind: ServerKind
  value: ServerForm
  stored: EmailChannel['imap'] | EmailChannel['smtp'] | undefined
  /** The channel's OAuth2 settings supply the access tokens. */
  oauth: boolean
  onChange: (patch: Partial<ServerForm>) => void
  errors: FieldErrors['fields']
}) => {
  const { t } = useTranslation()
  const err = (field: string) => errors[`${kind}.${field}`]
  const testId = (field: string) => `${kind}-${field}`
  const keeps = keepsSecret(stored, value)
  const secretHint = keeps
    ? t('email.form.secretKeep')
    : stored?.hasSecret && value.secret === ''
      ? t('email.form.secretAgain')
      : undefined
  return (
    <Fieldset legend={kind === 'imap' ? t('email.form.imap') : t('email.form.smtp')}>
      <Stack gap="sm">
        <Switch
          label={kind === 'imap' ? t('email.form.imapEnabled') : t('email.form.smtpEnabled')}
          checked={value.enabled}
          onChange={(e) => onChange({ enabled: e.currentTarget.checked })}
          data-testid={testId('enabled')}
          error={errors[kind]}
        />
        {value.enabled && (
          <>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label={t('email.form.host')}
                value={value.host}
                onChange={(e) => onChange({ host: e.currentTarget.value })}
                error={err('host')}
                required
                data-testid={testId('host')}
              />
              <NumberInput
                label={t('email.form.port')}
                value={value.port}
                onChange={(port) => onChange({ port })}
                min={1}
                max={65535}
                allowDecimal={false}
                error={err('port')}
                required
              />
              <Select
                label={t('email.form.security')}
                data={(['tls', 'starttls', 'none'] as const).map((s) => ({
                  value: s,
                  label: t(`email.security.${s}`),
                }))}
                value={value.security}
                onChange={(v) => v && onChange({ security: v as ServerForm['security'] })}
                allowDeselect={false}
                error={err('security')}
              />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label={t('email.form.user')}
                value={value.user}
                onChange={(e) => onChange({ user: e.currentTarget.value })}
                error={err('user')}
                required={kind === 'imap'}
                autoComplete="off"
                data-testid={testId('user')}
              />
              <Select
                label={t('email.form.auth')}
                data={(['password', 'oauth2'] as const).map((a) => ({
                  value: a,
                  label: t(`email.auth.${a}`),
                }))}
                value={value.auth}
                onChange={(v) => v && onChange({ auth: v as ServerForm['auth'] })}
                allowDeselect={false}
                error={err('auth')}
              />
              {value.auth === 'oauth2' && oauth ? (
                <Text size="sm" c="dimmed" pt={{ base: 0, sm: 'xl' }} data-testid={testId('secret-oauth')}>
                  {t('email.form.tokenFromOAuth')}
                </Text>
              ) : (
                <PasswordField
                  label={value.auth === 'oauth2' ? t('email.form.token') : t('email.form.password')}
                  description={
                    secretHint ?? (value.auth === 'oauth2' ? t('email.form.tokenStaticHint') : undefined)
                  }
                  value={value.secret}
                  onChange={(e) => onChange({ secret: e.currentTarget.value })}
                  error={err('secret')}
                  autoComplete="new-password"
                  data-testid={testId('secret')}
                />
              )}
            </SimpleGrid>
            {kind === 'imap' && (
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label={t('email.form.folder')}
                  value={value.folder}
                  onChange={(e) => onChange({ folder: e.currentTarget.value })}
                  error={err('folder')}
                />
                <NumberInput
                  label={t('email.form.pollSeconds')}
                  description={t('email.form.pollSecondsHint')}
                  value={value.pollSeconds}
                  onChange={(pollSeconds) => onChange({ pollSeconds })}
                  min={10}
                  max={3600}
                  allowDecimal={false}
                  error={err('pollSeconds')}
                />
                <Select
                  label={t('email.form.afterImport')}
                  data={(['move', 'flag'] as const).map((a) => ({
                    value: a,
                    label: t(`email.afterImport.${a}`),
                  }))}
                  value={value.afterImport}
                  onChange={(v) => v && onChange({ afterImport: v as ServerForm['afterImport'] })}
                  allowDeselect={false}
                  error={err('afterImport')}
                />
                {value.afterImport === 'move' && (
                  <TextInput
                    label={t('email.form.processedFolder')}
                    value={value.processedFolder}
                    onChange={(e) => onChange({ processedFolder: e.currentTarget.value })}
                    error={err('processedFolder')}
                  />
                )}
              </SimpleGrid>
            )}
          </>
        )}
      </Stack>
    </Fieldset>
  )
}

/** The channel's OAuth2 settings: the desk fetches access tokens for IMAP and SMTP itself. */
const OAuthFields = ({
  value,
  stored,
  onChange,
  onClear,
  errors,
}: {
  value: OAuthForm
  stored: EmailChannel['oauth'] | undefined
  onChange: (patch: Partial<OAuthForm>) => void
  onClear: () => void
  errors: FieldErrors['fields']
}) => {
  const { t } = useTranslation()
  const err = (field: keyof OAuthForm) => errors[`oauth.${field}`]
  const changed =
    !!stored && (stored.tokenUrl !== value.tokenUrl.trim() || stored.clientId !== value.clientId.trim())
  const secretHint = (field: 'clientSecret' | 'refreshToken') =>
    keepsOAuthSecret(stored, value, field)
      ? t('email.form.secretKeep')
      : stored &&
          (field === 'clientSecret' ? stored.hasClientSecret : stored.hasRefreshToken) &&
          value[field] === '' &&
          changed
        ? t('email.form.oauthSecretAgain')
        : undefined
  return (
    <Fieldset legend={t('email.form.oauth')} data-testid="oauth-section">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('email.form.oauthIntro')}
        </Text>
        {errors.oauth && (
          <Text size="sm" c="red" role="alert">
            {errors.oauth}
          </Text>
        )}
        <TextInput
          label={t('email.form.tokenUrl')}
          description={
            value.tokenUrl.includes(TENANT_PLACEHOLDER)
              ? t('email.form.tenantHint', { placeholder: TENANT_PLACEHOLDER })
              : undefined
          }
          value={value.tokenUrl}
          onChange={(e) => onChange({ tokenUrl: e.currentTarget.value })}
          error={err('tokenUrl')}
          required
          autoComplete="off"
          data-testid="oauth-tokenUrl"
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('email.form.clientId')}
            value={value.clientId}
            onChange={(e) => onChange({ clientId: e.currentTarget.value })}
            error={err('clientId')}
            required
            autoComplete="off"
            data-testid="oauth-clientId"
          />
          <PasswordField
            label={t('email.form.clientSecret')}
            description={secretHint('clientSecret')}
            value={value.clientSecret}
            onChange={(e) => onChange({ clientSecret: e.currentTarget.value })}
            error={err('clientSecret')}
            autoComplete="new-password"
            data-testid="oauth-clientSecret"
          />
          <PasswordField
            label={t('email.form.refreshToken')}
            description={secretHint('refreshToken') ?? t('email.form.refreshTokenHint')}
            value={value.refreshToken}
            onChange={(e) => onChange({ refreshToken: e.currentTarget.value })}
            error={err('refreshToken')}
            autoComplete="new-password"
            data-testid="oauth-refreshToken"
          />
          <TextInput
            label={t('email.form.scope')}
            description={t('email.form.scopeHint')}
            value={value.scope}
            onChange={(e) => onChange({ scope: e.currentTarget.value })}
            error={err('scope')}
            autoComplete="off"
            data-testid="oauth-scope"
          />
        </SimpleGrid>
        {hasOAuthSettings(value) && (
          <Group justify="flex-end">
            <Button variant="subtle" size="xs" color="red" onClick={onClear} data-testid="oauth-clear">
              {t('email.form.oauthClear')}
            </Button>
          </Group>
        )}
      </Stack>
    </Fieldset>
  )
}

/** Creating or editing an email channel; for a saved one, also checks its connection. */
export const EmailChannelModal = ({
  channel,
  onClose,
}: {
  channel: EmailChannel | 'new'
  onClose: () => void
}) => {
  const { t } = useTranslation()
  const teams = useTeams()
  const m = useEmailMutations()
  const stored = channel === 'new' ? undefined : channel
  const [form, setForm] = useState<ChannelForm>(() => (stored ? channelToForm(stored) : emptyChannelForm()))
  const [provider, setProvider] = useState<Provider>(() => providerOf(form))
  const [error, setError] = useState<Error | null>(null)
  const [check, setCheck] = useState<ConnectionCheck | null>(null)

  const set = <K extends keyof ChannelForm>(key: K, value: ChannelForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }))
  const setServer = (kind: ServerKind) => (patch: Partial<ServerForm>) =>
    setForm((f) => ({ ...f, [kind]: { ...f[kind], ...patch } }))

  const problems =
    error instanceof ApiError ? fieldErrors(error.problem, visibleFields(form)) : { fields: {}, rest: [] }
  const withOAuth = oauthConfigured(form)
  const err = (field: string) => problems.fields[field]

  const save = () => {
    setError(null)
    setCheck(null)
    const handlers = { onSuccess: onClose, onError: setError }
    if (stored) m.update.mutate({ id: stored.id, input: formToBody(form, 'update') }, handlers)
    else m.create.mutate(formToBody(form, 'create'), handlers)
  }

  return (
    <Modal
      opened
      onClose={onClose}
      size="xl"
      title={stored ? t('email.editChannel') : t('email.newChannel')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          save()
        }}
        data-testid="email-channel-form"
      >
        <Stack>
          {error && (
            <Alert color="red" role="alert" data-testid="email-channel-error">
              <Text size="sm">{error.message}</Text>
              {problems.rest.length > 0 && (
                <List size="sm" mt={4}>
                  {problems.rest.map((x) => (
                    <List.Item key={x}>{x}</List.Item>
                  ))}
                </List>
              )}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('email.form.name')}
              value={form.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              error={err('name')}
              required
              data-testid="channel-name"
            />
            <TextInput
              label={t('email.form.address')}
              type="email"
              value={form.address}
              onChange={(e) => set('address', e.currentTarget.value)}
              error={err('address')}
              required
              data-testid="channel-address"
            />
            <TextInput
              label={t('email.form.displayName')}
              description={t('email.form.displayNameHint')}
              value={form.displayName}
              onChange={(e) => set('displayName', e.currentTarget.value)}
              error={err('displayName')}
            />
            <Select
              label={t('email.form.team')}
              description={t('email.form.teamHint')}
              placeholder={t('email.noTeam')}
              data={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
              value={form.teamId}
              onChange={(v) => set('teamId', v)}
              clearable
              error={err('teamId')}
            />
          </SimpleGrid>
          <Select
            label={t('email.form.provider')}
            description={
              provider === 'microsoft365' || provider === 'google' ? t('email.form.oauthHint') : undefined
            }
            data={PROVIDERS.map((p) => ({ value: p, label: t(`email.provider.${p}`) }))}
            value={provider}
            onChange={(v) => {
              if (!v) return
              setProvider(v as Provider)
              setForm((f) => applyProvider(f, v as Provider))
            }}
            allowDeselect={false}
            data-testid="channel-provider"
          />
          <ServerFields
            kind="imap"
            value={form.imap}
            stored={stored?.imap}
            oauth={withOAuth}
            onChange={setServer('imap')}
            errors={problems.fields}
          />
          <ServerFields
            kind="smtp"
            value={form.smtp}
            stored={stored?.smtp}
            oauth={withOAuth}
            onChange={setServer('smtp')}
            errors={problems.fields}
          />
          {usesOAuth2(form) && (
            <OAuthFields
              value={form.oauth}
              stored={stored?.oauth}
              onChange={(patch) => setForm((f) => ({ ...f, oauth: { ...f.oauth, ...patch } }))}
              onClear={() => set('oauth', emptyChannelForm().oauth)}
              errors={problems.fields}
            />
          )}
          <Fieldset legend={t('email.form.receiver')}>
            <TagsInput
              label={t('email.form.receiverAddresses')}
              description={t('email.form.receiverHint')}
              value={form.smtpReceiverAddresses}
              onChange={(v) => set('smtpReceiverAddresses', v)}
              splitChars={[',', ' ', ';']}
              acceptValueOnBlur
              clearable
              error={err('smtpReceiverAddresses')}
            />
          </Fieldset>
          <Fieldset legend={t('email.form.replies')}>
            <Stack gap="sm">
              <Switch
                label={t('email.form.acknowledge')}
                checked={form.acknowledge}
                onChange={(e) => set('acknowledge', e.currentTarget.checked)}
                error={err('acknowledge')}
              />
              <NumberInput
                label={t('email.form.replyPromiseHours')}
                description={t('email.form.replyPromiseHint')}
                value={form.replyPromiseHours}
                onChange={(v) => set('replyPromiseHours', v)}
                min={1}
                max={720}
                allowDecimal={false}
                error={err('replyPromiseHours')}
                maw={320}
              />
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Textarea
                  label={t('email.form.signatureDe')}
                  value={form.signature.de}
                  onChange={(e) => set('signature', { ...form.signature, de: e.currentTarget.value })}
                  autosize
                  minRows={3}
                  error={err('signature.de')}
                />
                <Textarea
                  label={t('email.form.signatureEn')}
                  value={form.signature.en}
                  onChange={(e) => set('signature', { ...form.signature, en: e.currentTarget.value })}
                  autosize
                  minRows={3}
                  error={err('signature.en')}
                />
              </SimpleGrid>
            </Stack>
          </Fieldset>
          <Switch
            label={t('email.form.active')}
            description={t('email.form.activeHint')}
            checked={form.active}
            onChange={(e) => set('active', e.currentTarget.checked)}
          />
          {check && <ConnectionCheckResults result={check} />}
          <Group justify="space-between">
            {stored ? (
              <Button
                variant="default"
                loading={m.check.isPending}
                onClick={() =>
                  m.check.mutate(stored.id, { onSuccess: setCheck, onError: (e) => setError(e) })
                }
                title={t('email.check.savedHint')}
                data-testid="channel-check"
              >
                {t('email.check.button')}
              </Button>
            ) : (
              <span />
            )}
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button
                type="submit"
                loading={m.create.isPending || m.update.isPending}
                data-testid="channel-save"
              >
                {t('common.save')}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
