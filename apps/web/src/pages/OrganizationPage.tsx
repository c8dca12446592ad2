import { Anchor, Stack, Table, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { ApiError } from '../api/client.ts'
import { useOrganization, useOrganizationCustomers } from '../api/queries.ts'
import { ErrorPage } from '../components/ErrorPage.tsx'

const OrganizationPage = () => {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const org = useOrganization(id)
  const customers = useOrganizationCustomers(id)
  if (org.isError) {
    return org.error instanceof ApiError && org.error.status === 404 ? (
      <ErrorPage kind="notFound" />
    ) : (
      <ErrorPage kind="unavailable" onRetry={() => void org.refetch()} />
    )
  }
  if (!org.data) return null
  return (
    <Stack p="md">
      <Title order={1} size="h3">
        {org.data.name}
      </Title>
      {org.data.domain && <Text c="dimmed">{org.data.domain}</Text>}
      {org.data.notes && <Text style={{ whiteSpace: 'pre-wrap' }}>{org.data.notes}</Text>}
      <Title order={2} size="h4">
        {t('organization.people')}
      </Title>
      <Table aria-label={t('organization.people')}>
        <Table.Tbody>
          {(customers.data?.items ?? []).map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>
                <Anchor component={Link} to={`/customers/${c.id}`} size="sm">
                  {c.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{c.emails[0]?.email ?? '–'}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{c.phones[0]?.number ?? '–'}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  )
}

export default OrganizationPage
