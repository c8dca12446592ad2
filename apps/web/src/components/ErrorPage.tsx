import { Button, Center, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'

type Kind = 'notFound' | 'forbidden' | 'unavailable'

/** A whole-page answer for a missing or hidden record, or a desk that cannot be reached. */
export const ErrorPage = ({ kind, onRetry }: { kind: Kind; onRetry?: () => void }) => {
  const { t } = useTranslation()
  return (
    <Center h="60vh">
      <Stack align="center" gap="sm" maw={480} ta="center">
        <Title order={1} size="h2">
          {t(`errors.${kind}.title`)}
        </Title>
        <Text c="dimmed">{t(`errors.${kind}.text`)}</Text>
        {onRetry ? (
          <Button onClick={onRetry}>{t('common.retry')}</Button>
        ) : (
          <Button component={Link} to="/inbox/mine" variant="light">
            {t('errors.backToInbox')}
          </Button>
        )}
      </Stack>
    </Center>
  )
}
