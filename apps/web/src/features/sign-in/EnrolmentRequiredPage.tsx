import { Button, Center, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { useSession } from '../../session.tsx'
import { TwoFactorSetup } from './TwoFactorSetup.tsx'

/**
 * Shown instead of the desk when the person's role requires two-factor sign-in and they have
 * not set it up: the API refuses everything else until they have.
 */
const EnrolmentRequiredPage = () => {
  const { t } = useTranslation()
  const { me, signOut } = useSession()
  const navigate = useNavigate()
  return (
    <Center mih="100vh" p="md">
      <main style={{ width: '100%', maxWidth: 560 }}>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Stack>
            <Title order={1} size="h3">
              {t('twoFactor.enrolTitle')}
            </Title>
            <Text size="sm">{t('twoFactor.enrolHelp', { name: me.name })}</Text>
            <TwoFactorSetup />
            <Group justify="flex-end">
              <Button variant="subtle" onClick={() => void signOut().then(() => navigate('/sign-in'))}>
                {t('nav.signOut')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </main>
    </Center>
  )
}

export default EnrolmentRequiredPage
