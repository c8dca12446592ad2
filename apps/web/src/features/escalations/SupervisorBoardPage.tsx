import { BarChart } from '@mantine/charts'
import {
  Alert,
  Anchor,
  Badge,
  Grid,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { ApiError } from '../../api/client.ts'
import { ErrorPage } from '../../components/ErrorPage.tsx'
import { dateTime, duration } from '../../lib/format.ts'
import { useSession } from '../../session.tsx'
import { useNow } from '../promises/PromiseBar.tsx'
import { dueText } from '../promises/promise-format.ts'
import { type Escalation, type SupervisorBoard, useSupervisorBoard } from './api.ts'
import { isOverdue, reasonLabel, splitOpen, waitedMs } from './escalation-format.ts'
import { JoinActions } from './JoinActions.tsx'

const CHART_HEIGHT = 260

const Section = ({ id, title, children }: { id: string; title: string; children: ReactNode }) => (
  <Paper withBorder p="md" component="section" aria-labelledby={id}>
    <Stack gap="sm">
      <Title order={2} size="h4" id={id}>
        {title}
      </Title>
      {children}
    </Stack>
  </Paper>
)

const Empty = ({ children, testId }: { children: ReactNode; testId: string }) => (
  <Text size="sm" c="dimmed" data-testid={testId}>
    {children}
  </Text>
)

const TicketLink = ({ number, subject }: { number: number; subject: string }) => (
  <Anchor component={Link} to={`/tickets/${number}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
    #{number} {subject}
  </Anchor>
)

/** The reasons of an escalation: the first one, and how many more were raised on it. */
const Reasons = ({ escalation: e }: { escalation: Escalation }) => {
  const { t } = useTranslation()
  const labels = [...new Set(e.causes.map((c) => c.reason))].map((r) => reasonLabel(r, t))
  return <Text size="sm">{labels.length ? labels.join(', ') : reasonLabel(e.reason, t)}</Text>
}

const EscalationTable = ({
  escalations,
  now,
  kind,
}: {
  escalations: Escalation[]
  now: number
  kind: 'waiting' | 'joined'
}) => {
  const { t, i18n } = useTranslation()
  const caption = t(kind === 'waiting' ? 'escalations.board.waiting' : 'escalations.board.joined')
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table aria-label={caption} data-testid={`board-${kind}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('escalations.board.ticket')}</Table.Th>
            <Table.Th>{t('escalations.board.reason')}</Table.Th>
            <Table.Th>{t('escalations.board.team')}</Table.Th>
            <Table.Th>
              {kind === 'waiting' ? t('escalations.board.age') : t('escalations.board.joinedBy')}
            </Table.Th>
            <Table.Th>
              {kind === 'waiting' ? t('escalations.board.due') : t('escalations.board.waitedCol')}
            </Table.Th>
            <Table.Th>
              <VisuallyHidden>{t('escalations.board.actions')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {escalations.map((e) => (
            <Table.Tr
              key={e.id}
              data-testid="board-escalation"
              data-ticket={e.ticketNumber}
              data-overdue={isOverdue(e, now) || undefined}
            >
              <Table.Td>
                <TicketLink number={e.ticketNumber} subject={e.ticketSubject} />
              </Table.Td>
              <Table.Td>
                <Reasons escalation={e} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{e.teamName ?? t('escalations.board.noTeam')}</Text>
              </Table.Td>
              <Table.Td>
                {kind === 'waiting' ? (
                  <Text
                    size="sm"
                    data-testid="board-escalation-age"
                    title={dateTime(e.raisedAt, i18n.language)}
                  >
                    {duration(waitedMs(e, now), i18n.language)}
                  </Text>
                ) : (
                  <Text size="sm" data-testid="board-escalation-joined-by">
                    {e.joinMode === 'advise'
                      ? t('escalations.state.advised', { name: e.joinedByName ?? '–' })
                      : t('escalations.state.tookOver', { name: e.joinedByName ?? '–' })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {kind === 'waiting' ? (
                  <Stack gap={2} align="flex-start">
                    {e.joinDueAt && (
                      <Text size="sm" title={dateTime(e.joinDueAt, i18n.language)}>
                        {dueText(e.joinDueAt, now, i18n.language, t)}
                      </Text>
                    )}
                    {isOverdue(e, now) && (
                      <Badge color="red.9" size="sm">
                        {t('escalations.overdue')}
                      </Badge>
                    )}
                  </Stack>
                ) : (
                  <Text size="sm">{duration(waitedMs(e, now), i18n.language)}</Text>
                )}
              </Table.Td>
              <Table.Td>
                <JoinActions escalation={e} withTicket size="compact-sm" />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

const AboutToBreach = ({ items, now }: { items: SupervisorBoard['aboutToBreach']; now: number }) => {
  const { t, i18n } = useTranslation()
  if (items.length === 0)
    return <Empty testId="board-about-to-breach-empty">{t('escalations.board.aboutToBreachEmpty')}</Empty>
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label={t('escalations.board.aboutToBreach')} data-testid="board-about-to-breach">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('escalations.board.ticket')}</Table.Th>
            <Table.Th>{t('escalations.board.team')}</Table.Th>
            <Table.Th>{t('escalations.board.assignee')}</Table.Th>
            <Table.Th>{t('escalations.board.due')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((x) => (
            <Table.Tr key={x.ticketId} data-testid="board-about-to-breach-row" data-ticket={x.number}>
              <Table.Td>
                <TicketLink number={x.number} subject={x.subject} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{x.teamName ?? t('escalations.board.noTeam')}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{x.assigneeName ?? t('ticket.unassigned')}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" title={dateTime(x.dueAt, i18n.language)}>
                  {dueText(x.dueAt, now, i18n.language, t)}
                  {x.promiseState === 'warning' ? ` · ${t('promises.state.warning')}` : ''}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

/** A chart for the eye, with the same numbers as a table for screen readers. */
const ChartFigure = ({
  label,
  columns,
  rows,
  children,
  testId,
}: {
  label: string
  columns: string[]
  rows: (string | number)[][]
  children: ReactNode
  testId: string
}) => (
  <figure style={{ margin: 0 }} data-testid={testId}>
    <div aria-hidden style={{ height: CHART_HEIGHT }}>
      {children}
    </div>
    <VisuallyHidden>
      <table>
        <caption>{label}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r[0])}>
              {r.map((cell, n) => (
                <td key={`${columns[n]}`}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </VisuallyHidden>
  </figure>
)

const BreachesChart = ({ items }: { items: SupervisorBoard['breachesToday'] }) => {
  const { t } = useTranslation()
  if (items.length === 0 || items.every((x) => x.breaches === 0))
    return <Empty testId="board-breaches-empty">{t('escalations.board.breachesEmpty')}</Empty>
  const data = items.map((x) => ({ team: x.teamName ?? t('escalations.board.noTeam'), breaches: x.breaches }))
  const label = t('escalations.board.breachesSeries')
  return (
    <ChartFigure
      label={t('escalations.board.breachesToday')}
      columns={[t('escalations.board.team'), label]}
      rows={data.map((d) => [d.team, d.breaches])}
      testId="board-breaches"
    >
      <BarChart
        h={CHART_HEIGHT}
        data={data}
        dataKey="team"
        series={[{ name: 'breaches', label, color: 'red.8' }]}
        tickLine="y"
        yAxisProps={{ allowDecimals: false }}
        // The chart is drawn for the eye; its figures are in the table beside it for screen readers.
        barChartProps={{ accessibilityLayer: false }}
        tooltipAnimationDuration={0}
        maxBarWidth={48}
      />
    </ChartFigure>
  )
}

const LoadChart = ({ items }: { items: SupervisorBoard['agentLoad'] }) => {
  const { t } = useTranslation()
  if (items.length === 0) return <Empty testId="board-load-empty">{t('escalations.board.loadEmpty')}</Empty>
  const series = [
    { name: 'open', label: t('escalations.board.load.open'), color: 'blue.7' },
    { name: 'pending', label: t('escalations.board.load.pending'), color: 'gray.6' },
    { name: 'breached', label: t('escalations.board.load.breached'), color: 'red.8' },
  ]
  return (
    <ChartFigure
      label={t('escalations.board.agentLoad')}
      columns={[t('escalations.board.agent'), ...series.map((s) => s.label)]}
      rows={items.map((a) => [a.name, a.open, a.pending, a.breached])}
      testId="board-load"
    >
      <BarChart
        h={CHART_HEIGHT}
        data={items}
        dataKey="name"
        type="stacked"
        series={series}
        withLegend
        tickLine="y"
        yAxisProps={{ allowDecimals: false }}
        // The chart is drawn for the eye; its figures are in the table beside it for screen readers.
        barChartProps={{ accessibilityLayer: false }}
        tooltipAnimationDuration={0}
        maxBarWidth={48}
      />
    </ChartFigure>
  )
}

/**
 * What needs a supervisor now, for the teams they lead: escalations waiting and joined (their age
 * written anew each minute), tickets about to miss a response target, today's breaches per team
 * and each agent's open load. Live messages about escalations and response targets refresh it.
 */
const SupervisorBoardPage = () => {
  const { t, i18n } = useTranslation()
  const { isSupervisor } = useSession()
  const board = useSupervisorBoard(isSupervisor)
  const now = useNow(60_000)
  if (!isSupervisor) return <ErrorPage kind="forbidden" />
  if (board.error instanceof ApiError && board.error.status === 403) return <ErrorPage kind="forbidden" />
  const data = board.data
  const { waiting, joined } = splitOpen(data?.escalations ?? [])
  const placeholder = (h: number) => <Skeleton h={h} />

  return (
    <Stack p="md" gap="md">
      <Stack gap={2}>
        <Title order={1} size="h3">
          {t('escalations.board.title')}
        </Title>
        <Text size="sm" c="dimmed" mih="1.5em">
          {data ? t('escalations.board.asOf', { at: dateTime(data.generatedAt, i18n.language) }) : ''}
        </Text>
      </Stack>
      {board.isError && (
        <Alert color="red" role="alert">
          {board.error.message}
        </Alert>
      )}
      <Section
        id="board-waiting-title"
        title={t('escalations.board.waitingCount', { count: waiting.length })}
      >
        {!data ? (
          placeholder(120)
        ) : waiting.length ? (
          <EscalationTable escalations={waiting} now={now} kind="waiting" />
        ) : (
          <Empty testId="board-waiting-empty">{t('escalations.board.waitingEmpty')}</Empty>
        )}
      </Section>
      <Section id="board-joined-title" title={t('escalations.board.joinedCount', { count: joined.length })}>
        {!data ? (
          placeholder(80)
        ) : joined.length ? (
          <EscalationTable escalations={joined} now={now} kind="joined" />
        ) : (
          <Empty testId="board-joined-empty">{t('escalations.board.joinedEmpty')}</Empty>
        )}
      </Section>
      <Section id="board-about-title" title={t('escalations.board.aboutToBreach')}>
        {!data ? placeholder(80) : <AboutToBreach items={data.aboutToBreach} now={now} />}
      </Section>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Section id="board-breaches-title" title={t('escalations.board.breachesToday')}>
            {!data ? placeholder(CHART_HEIGHT) : <BreachesChart items={data.breachesToday} />}
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Section id="board-load-title" title={t('escalations.board.agentLoad')}>
            {!data ? placeholder(CHART_HEIGHT) : <LoadChart items={data.agentLoad} />}
          </Section>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

export default SupervisorBoardPage
