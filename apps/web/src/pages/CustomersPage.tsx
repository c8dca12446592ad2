import { Alert, Anchor, Group, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconSearch } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { useCustomers } from '../api/queries.ts'

type Mode = 'name' | 'email' | 'phone'

/** Finds a customer by name (typos allowed), email address or phone number in any notation. */
const CustomersPage = () => {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const mode = (params.get('by') as Mode | null) ?? 'name'
  const term = params.get('q') ?? ''
  const [debounced] = useDebouncedValue(term.trim(), 250)
  // A name typed while searching by phone is no number to look up: say what is expected instead.
  const notAPhone = mode === 'phone' && !!debounced && (debounced.match(/\d/g)?.length ?? 0) < 3
  const query =
    debounced && !notAPhone
      ? mode === 'email'
        ? { email: debounced }
        : mode === 'phone'
          ? { phone: debounced }
          : { q: debounced }
      : {}
  const list = useCustomers(query, !notAPhone)
  const similar = !!debounced && list.data?.match === 'similar' && list.data.items.length > 0
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params)
    next.set(key, value)
    setParams(next, { replace: true })
  }
  return (
    <Stack p="md" gap="sm">
      <Title order={1} size="h3">
        {t('customers.title')}
      </Title>
      <Group align="flex-end">
        <SegmentedControl
          value={mode}
          onChange={(v) => set('by', v)}
          aria-label={t('customers.searchBy')}
          data={[
            { value: 'name', label: t('customers.byName') },
            { value: 'email', label: t('customers.byEmail') },
            { value: 'phone', label: t('customers.byPhone') },
          ]}
        />
        <TextInput
          label={t('customers.search')}
          value={term}
          onChange={(e) => set('q', e.currentTarget.value)}
          leftSection={<IconSearch size={16} aria-hidden />}
          w={360}
          data-testid="customer-search"
        />
      </Group>
      {notAPhone && (
        <Text c="dimmed" data-testid="customers-phone-hint">
          {t('customers.phoneHint')}
        </Text>
      )}
      {list.isError && !notAPhone && (
        <Alert color="red" role="alert">
          {list.error.message}
        </Alert>
      )}
      {similar && (
        <Text size="sm" c="dimmed" data-testid="customers-similar">
          {t('customers.similar', { q: debounced })}
        </Text>
      )}
      <Table highlightOnHover aria-label={t('customers.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('customers.name')}</Table.Th>
            <Table.Th>{t('customers.organization')}</Table.Th>
            <Table.Th>{t('customers.email')}</Table.Th>
            <Table.Th>{t('customers.phone')}</Table.Th>
            <Table.Th>{t('customers.language')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(notAPhone ? [] : (list.data?.items ?? [])).map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>
                <Anchor component={Link} to={`/customers/${c.id}`} size="sm">
                  {c.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {c.organization ? (
                  <Anchor component={Link} to={`/organizations/${c.organization.id}`} size="sm">
                    {c.organization.name}
                  </Anchor>
                ) : (
                  '–'
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{c.emails.find((e) => e.primary)?.email ?? c.emails[0]?.email ?? '–'}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{c.phones[0]?.number ?? '–'}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{t(`language.${c.language}`)}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.isSuccess && !notAPhone && list.data.items.length === 0 && (
        <Text c="dimmed">{t('customers.none')}</Text>
      )}
    </Stack>
  )
}

export default CustomersPage
