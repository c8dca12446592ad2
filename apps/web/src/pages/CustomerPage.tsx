import {
  Alert,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  TagsInput,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router'
import { ApiError, api } from '../api/client.ts'
import { keys, useCustomer } from '../api/queries.ts'
import type { Customer, Language } from '../api/types.ts'
import { ErrorPage } from '../components/ErrorPage.tsx'
import { TicketHistory } from '../components/TicketHistory.tsx'

const CustomerPage = () => {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const queryClient = useQueryClient()
  const customer = useCustomer(id)
  const [name, setName] = useState('')
  const [language, setLanguage] = useState<Language>('de')
  const [emails, setEmails] = useState<string[]>([])
  const [phones, setPhones] = useState<string[]>([])
  const [notes, setNotes] = useState('')

  useEffect(() => {
    const c = customer.data
    if (!c) return
    setName(c.name)
    setLanguage(c.language)
    setEmails(c.emails.map((e) => e.email))
    setPhones(c.phones.map((p) => p.number))
    setNotes(c.notes)
  }, [customer.data])

  const save = useMutation({
    mutationFn: () =>
      api<Customer>(`/customers/${id}`, {
        method: 'PATCH',
        body: { name, language, emails, phones: phones.map((number) => ({ number })), notes },
      }),
    onSuccess: (c) => {
      queryClient.setQueryData(keys.customer(id), c)
      notifications.show({ color: 'green', message: t('common.saved') })
    },
  })

  if (customer.isError) {
    return customer.error instanceof ApiError && customer.error.status === 404 ? (
      <ErrorPage kind="notFound" />
    ) : (
      <ErrorPage kind="unavailable" onRetry={() => void customer.refetch()} />
    )
  }
  if (!customer.data) return null
  return (
    <Stack p="md" gap="md">
      <Title order={1} size="h3">
        {customer.data.name}
      </Title>
      <Paper withBorder p="md">
        <form
          onSubmit={(e) => {
            e.preventDefault()
            save.mutate()
          }}
        >
          <Stack>
            {save.isError && (
              <Alert color="red" role="alert">
                {save.error.message}
              </Alert>
            )}
            <Group grow align="flex-start">
              <TextInput
                label={t('customers.name')}
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                required
              />
              <Select
                label={t('customers.language')}
                data={[
                  { value: 'de', label: t('language.de') },
                  { value: 'en', label: t('language.en') },
                ]}
                value={language}
                onChange={(v) => v && setLanguage(v as Language)}
                allowDeselect={false}
              />
            </Group>
            <TagsInput label={t('customers.emails')} value={emails} onChange={setEmails} />
            <TagsInput label={t('customers.phones')} value={phones} onChange={setPhones} />
            <Textarea
              label={t('customers.notes')}
              value={notes}
              onChange={(e) => setNotes(e.currentTarget.value)}
              autosize
              minRows={2}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <Title order={2} size="h4">
        {t('customer.tickets')}
      </Title>
      <TicketHistory query={{ customerId: id }} label={t('customer.tickets')} />
    </Stack>
  )
}

export default CustomerPage
