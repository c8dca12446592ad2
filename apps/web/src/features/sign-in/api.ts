import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  CreateSsoProvider,
  Passkey,
  PasskeyOptions,
  SignInPolicies,
  SignInPolicy,
  SsoButton,
  SsoProvider,
  TwoFactorEnrolment,
  TwoFactorStatus,
  UpdateSsoProvider,
} from '@tresen/contract'
import { api, setCsrfToken } from '../../api/client.ts'
import { SESSION_KEY } from '../../api/session-query.ts'

export type {
  Passkey,
  PasskeyOptions,
  SignInPolicy,
  SsoButton,
  SsoProvider,
  TwoFactorEnrolment,
  TwoFactorStatus,
}
export type SsoProviderInput = CreateSsoProvider
export type SsoProviderPatch = UpdateSsoProvider

export const signInKeys = {
  twoFactor: ['me', 'two-factor'] as const,
  passkeys: ['me', 'passkeys'] as const,
  policies: ['sign-in', 'policies'] as const,
  providers: ['sign-in', 'providers'] as const,
  buttons: ['sign-in', 'buttons'] as const,
}

/** The sign-in page's SSO buttons (public). */
export const useSsoButtons = () =>
  useQuery({
    queryKey: signInKeys.buttons,
    queryFn: ({ signal }) => api<SsoButton[]>('/auth/sso/providers', { signal }),
    staleTime: 60_000,
  })

export const useTwoFactorStatus = () =>
  useQuery({
    queryKey: signInKeys.twoFactor,
    queryFn: ({ signal }) => api<TwoFactorStatus>('/me/two-factor', { signal }),
  })

/** Enrolment, confirmation, disabling and new recovery codes; a renewed session brings its CSRF token. */
export const useTwoFactorMutations = () => {
  const queryClient = useQueryClient()
  const refresh = async (res?: { csrfToken?: string }) => {
    if (res?.csrfToken) setCsrfToken(res.csrfToken)
    await queryClient.invalidateQueries({ queryKey: signInKeys.twoFactor })
    await queryClient.invalidateQueries({ queryKey: SESSION_KEY })
  }
  return {
    enrol: useMutation({
      mutationFn: (password: string) =>
        api<TwoFactorEnrolment>('/me/two-factor/enrol', { method: 'POST', body: { password } }),
    }),
    confirm: useMutation({
      mutationFn: (code: string) =>
        api<{ csrfToken?: string }>('/me/two-factor/confirm', { method: 'POST', body: { code } }),
      // The session is renewed; the lists are refreshed once the recovery codes were seen.
      onSuccess: (res) => {
        if (res.csrfToken) setCsrfToken(res.csrfToken)
      },
    }),
    disable: useMutation({
      mutationFn: (password: string) =>
        api<{ csrfToken?: string }>('/me/two-factor/disable', { method: 'POST', body: { password } }),
      onSuccess: refresh,
    }),
    regenerate: useMutation({
      mutationFn: (password: string) =>
        api<{ recoveryCodes: string[] }>('/me/two-factor/recovery-codes', {
          method: 'POST',
          body: { password },
        }),
    }),
  }
}

/** The signed-in person's passkeys. */
export const usePasskeys = () =>
  useQuery({
    queryKey: signInKeys.passkeys,
    queryFn: ({ signal }) => api<Passkey[]>('/me/passkeys', { signal }),
  })

/** Adding (password first, then the device's answer under a name) and removing passkeys. */
export const usePasskeyMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => queryClient.invalidateQueries({ queryKey: signInKeys.passkeys })
  return {
    options: useMutation({
      mutationFn: (password: string) =>
        api<PasskeyOptions>('/me/passkeys/options', { method: 'POST', body: { password } }),
    }),
    register: useMutation({
      mutationFn: (body: { challengeId: string; name: string; credential: unknown }) =>
        api<Passkey>('/me/passkeys', { method: 'POST', body }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>(`/me/passkeys/${id}`, { method: 'DELETE' }),
      onSuccess: refresh,
    }),
  }
}

export const useSignInPolicies = () =>
  useQuery({
    queryKey: signInKeys.policies,
    queryFn: ({ signal }) => api<SignInPolicies>('/sign-in-policies', { signal }),
  })

export const useSsoProviders = () =>
  useQuery({
    queryKey: signInKeys.providers,
    queryFn: ({ signal }) => api<SsoProvider[]>('/sso-providers', { signal }),
  })

export const useSignInSettingsMutations = () => {
  const queryClient = useQueryClient()
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['sign-in'] })
  return {
    savePolicies: useMutation({
      mutationFn: (policies: SignInPolicy[]) =>
        api<SignInPolicies>('/sign-in-policies', { method: 'PUT', body: { policies } }),
      onSuccess: (data) => queryClient.setQueryData(signInKeys.policies, data),
    }),
    createProvider: useMutation({
      mutationFn: (body: SsoProviderInput) => api<SsoProvider>('/sso-providers', { method: 'POST', body }),
      onSuccess: invalidate,
    }),
    updateProvider: useMutation({
      mutationFn: ({ id, body }: { id: string; body: SsoProviderPatch }) =>
        api<SsoProvider>(`/sso-providers/${id}`, { method: 'PATCH', body }),
      onSuccess: invalidate,
    }),
    deleteProvider: useMutation({
      mutationFn: (id: string) => api<void>(`/sso-providers/${id}`, { method: 'DELETE' }),
      onSuccess: invalidate,
    }),
  }
}
