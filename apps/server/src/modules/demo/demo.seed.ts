import {
  AddInteractionInput,
  AssignTicketInput,
  type Channel,
  type ChannelData,
  CreateMacroInput,
  type CreateTextModuleInput,
  CreateTextModuleInput as CreateTextModuleSchema,
  CreateTicketFieldInput,
  CreateTicketInput,
  MergeTicketInput,
  type TicketStatus,
  UpdateTicketInput,
} from '@tresen/contract'
import { fixedClock } from '../../platform/clock.ts'
import { type Actor, type Ctx, inTransaction, SYSTEM } from '../../platform/context.ts'
import { loadActor } from '../auth/index.ts'
import { createCalendar } from '../calendars/index.ts'
import { createCustomer, createOrganization, normalizePhone } from '../customers/index.ts'
import { recordSentEarlier } from '../email/index.ts'
import { createField } from '../fields/index.ts'
import { createMacro } from '../macros/index.ts'
import { createStaff, findStaffByEmail, generatePassword } from '../staff/index.ts'
import { addMember, createTeam } from '../teams/index.ts'
import { createTextModule } from '../text-modules/index.ts'
import { addInteraction, assignTicket, createTicket, mergeTicket, updateTicket } from '../tickets/index.ts'

/** The closing checklist as the demo's agents answer it when they solve (docs/service-standards.md). */
const DEMO_CLOSING = { askedAnythingElse: true, resolution: 'confirmed' }

/**
 * The demo company: Radwerk Breisgau, an online shop for bicycles, parts and e-bikes with a shop
 * and workshop in Freiburg. Every address uses reserved names (.example domains, fictional phone
 * ranges), so no message can ever reach a real person.
 */
export const DEMO_STAFF_DOMAIN = 'radwerk.example'
const SHOP_PHONE = '+4976123125000'
const SHOP_EMAIL = `service@${DEMO_STAFF_DOMAIN}`

const TEAMS = {
  service: {
    name: 'Kundenservice',
    description: 'Bestellungen, Lieferungen, Rücksendungen, allgemeine Fragen',
  },
  tech: { name: 'Technik', description: 'Montage, Ersatzteile, E-Bike-Akkus, Werkstatt' },
  billing: { name: 'Buchhaltung', description: 'Rechnungen, Zahlungen, Gutschriften, Mahnungen' },
} as const
type TeamKey = keyof typeof TEAMS

const STAFF = {
  lena: {
    name: 'Lena Hoffmann',
    role: 'supervisor',
    language: 'de',
    teams: { service: 'supervisor', tech: 'supervisor', billing: 'supervisor' },
  },
  jonas: { name: 'Jonas Weber', role: 'agent', language: 'de', teams: { service: 'member' } },
  emma: { name: 'Emma Clarke', role: 'agent', language: 'en', teams: { service: 'member' } },
  aylin: { name: 'Aylin Demir', role: 'agent', language: 'de', teams: { service: 'member', tech: 'member' } },
  markus: { name: 'Markus Keller', role: 'agent', language: 'de', teams: { tech: 'member' } },
  sabine: { name: 'Sabine Krüger', role: 'agent', language: 'de', teams: { billing: 'member' } },
} as const satisfies Record<
  string,
  {
    name: string
    role: 'agent' | 'supervisor'
    language: 'de' | 'en'
    teams: Partial<Record<TeamKey, 'member' | 'supervisor'>>
  }
>
type StaffKey = keyof typeof STAFF

/** The account whose presence means the demo company was seeded. */
const MARKER_EMAIL = `lena.hoffmann@${DEMO_STAFF_DOMAIN}`
const staffEmail = (key: StaffKey) =>
  `${STAFF[key].name
    .toLowerCase()
    .replace('ü', 'ue')
    .replace(/[^a-z]+/g, '.')}@${DEMO_STAFF_DOMAIN}`

const ORGANIZATIONS = {
  radhaus: {
    name: 'Radhaus Müller GmbH',
    domain: 'radhaus-mueller.example',
    notes: 'Fachhändler in Köln, bestellt Ersatzteile und Lastenräder zu Händlerkonditionen.',
  },
  kurier: {
    name: 'Velo Kurier Freiburg eG',
    domain: 'velokurier-freiburg.example',
    notes: 'Kurier-Genossenschaft, Flotte von 12 Lastenrädern mit Wartungsvertrag.',
  },
  stadtwerke: {
    name: 'Stadtwerke Emmendingen',
    domain: 'stadtwerke-emmendingen.example',
    notes: 'Dienstrad-Leasing für 40 Beschäftigte, Sammelrechnung monatlich.',
  },
  thornbury: {
    name: 'Thornbury Cycles Ltd',
    domain: 'thornbury-cycles.example',
    notes: 'UK dealer, orders in English, pays by bank transfer in EUR.',
  },
} as const
type OrgKey = keyof typeof ORGANIZATIONS

type CustomerDef = {
  name: string
  language: 'de' | 'en'
  email: string
  phone?: string
  org?: OrgKey
  notes?: string
}

const CUSTOMERS = {
  becker: { name: 'Anna Becker', language: 'de', email: 'anna.becker@web.example', phone: '030 23125 101' },
  schneider: {
    name: 'Thomas Schneider',
    language: 'de',
    email: 't.schneider@gmx.example',
    phone: '069 90009 234',
  },
  fischer: {
    name: 'Julia Fischer',
    language: 'de',
    email: 'julia.fischer@posteo.example',
    phone: '040 66969 310',
  },
  wolf: {
    name: 'Michael Wolf',
    language: 'de',
    email: 'michael.wolf@t-online.example',
    phone: '089 99998 412',
    notes: 'Fährt ein Trekking-E-Bike mit Bosch-Antrieb (gekauft 2022).',
  },
  schaefer: {
    name: 'Katharina Schäfer',
    language: 'de',
    email: 'k.schaefer@web.example',
    phone: '0221 4710 177',
  },
  bauer: { name: 'Stefan Bauer', language: 'de', email: 'stefan.bauer@gmx.example', phone: '0171 3920013' },
  richter: { name: 'Sandra Richter', language: 'de', email: 'sandra.richter@mail.example' },
  zimmermann: {
    name: 'Lukas Zimmermann',
    language: 'de',
    email: 'lukas.zimmermann@posteo.example',
    phone: '030 23125 188',
  },
  braun: {
    name: 'Claudia Braun',
    language: 'de',
    email: 'claudia.braun@web.example',
    phone: '069 90009 271',
  },
  krause: {
    name: 'Hans-Peter Krause',
    language: 'de',
    email: 'hp.krause@t-online.example',
    phone: '089 99998 455',
  },
  yilmaz: { name: 'Fatma Yılmaz', language: 'de', email: 'fatma.yilmaz@gmx.example', phone: '040 66969 342' },
  hartmann: {
    name: 'Jürgen Hartmann',
    language: 'de',
    email: 'j.hartmann@radhaus-mueller.example',
    phone: '0221 4710 140',
    org: 'radhaus',
    notes: 'Einkauf',
  },
  mueller: {
    name: 'Petra Müller',
    language: 'de',
    email: 'petra.mueller@radhaus-mueller.example',
    phone: '0221 4710 141',
    org: 'radhaus',
    notes: 'Inhaberin',
  },
  vogel: {
    name: 'Niklas Vogel',
    language: 'de',
    email: 'niklas@velokurier-freiburg.example',
    phone: '0171 3920027',
    org: 'kurier',
    notes: 'Flottenverantwortlicher',
  },
  lange: {
    name: 'Mara Lange',
    language: 'de',
    email: 'buchhaltung@velokurier-freiburg.example',
    org: 'kurier',
  },
  schulz: {
    name: 'Dieter Schulz',
    language: 'de',
    email: 'd.schulz@stadtwerke-emmendingen.example',
    phone: '069 90009 288',
    org: 'stadtwerke',
    notes: 'Fuhrparkleitung',
  },
  neumann: {
    name: 'Sophie Neumann',
    language: 'de',
    email: 'sophie.neumann@posteo.example',
    phone: '030 23125 152',
  },
  aydin: { name: 'Ömer Aydın', language: 'de', email: 'oemer.aydin@web.example', phone: '040 66969 377' },
  bennett: {
    name: 'Oliver Bennett',
    language: 'en',
    email: 'oliver@thornbury-cycles.example',
    phone: '+44 20 7946 0321',
    org: 'thornbury',
    notes: 'Purchasing',
  },
  hughes: {
    name: 'Charlotte Hughes',
    language: 'en',
    email: 'accounts@thornbury-cycles.example',
    phone: '+44 20 7946 0322',
    org: 'thornbury',
  },
  oconnor: {
    name: 'James O’Connor',
    language: 'en',
    email: 'james.oconnor@mail.example',
    phone: '0171 3920041',
  },
  carter: {
    name: 'Emily Carter',
    language: 'en',
    email: 'emily.carter@mail.example',
    phone: '+1 202 555 0143',
  },
  murphy: {
    name: 'Daniel Murphy',
    language: 'en',
    email: 'dan.murphy@mail.example',
    phone: '+44 20 7946 0388',
  },
  sharma: { name: 'Priya Sharma', language: 'en', email: 'priya.sharma@mail.example', phone: '0171 3920058' },
  richardson: {
    name: 'Tom Richardson',
    language: 'en',
    email: 'tom.richardson@mail.example',
    phone: '+44 20 7946 0415',
  },
} as const satisfies Record<string, CustomerDef>
type CustomerKey = keyof typeof CUSTOMERS

/** Custom ticket fields of the shop, in German and English. */
const FIELDS = [
  {
    key: 'order_number',
    type: 'text',
    label: { de: 'Bestellnummer', en: 'Order number' },
    description: {
      de: 'Nummer aus der Bestellbestätigung (Shop: 100…, Händler: WS-…)',
      en: 'Number from the order confirmation (shop: 100…, wholesale: WS-…)',
    },
  },
  {
    key: 'product',
    type: 'select',
    label: { de: 'Produkt', en: 'Product' },
    options: [
      { value: 'trekkingrad', label: { de: 'Trekkingrad', en: 'Trekking bike' } },
      { value: 'citybike', label: { de: 'Citybike', en: 'City bike' } },
      { value: 'e_bike', label: { de: 'E-Bike', en: 'E-bike' } },
      { value: 'lastenrad', label: { de: 'Lastenrad', en: 'Cargo bike' } },
      { value: 'kinderrad', label: { de: 'Kinderrad', en: "Children's bike" } },
      { value: 'ersatzteil', label: { de: 'Ersatzteil', en: 'Spare part' } },
      { value: 'zubehoer', label: { de: 'Zubehör', en: 'Accessories' } },
    ],
  },
  {
    key: 'contract_type',
    type: 'select',
    label: { de: 'Vertragsart', en: 'Contract type' },
    options: [
      { value: 'haendler', label: { de: 'Händlervertrag', en: 'Dealer agreement' } },
      { value: 'wartungsvertrag', label: { de: 'Wartungsvertrag', en: 'Maintenance contract' } },
      { value: 'dienstrad_leasing', label: { de: 'Dienstrad-Leasing', en: 'Company bike leasing' } },
    ],
  },
] as const

/** Field values of some demo tickets, by ticket key. */
const TICKET_FIELDS: Record<string, Record<string, string>> = {
  T01: { order_number: '100391', product: 'trekkingrad' },
  T02: { order_number: 'WS-2291', contract_type: 'haendler' },
  T03: { order_number: '100402' },
  T04: { product: 'e_bike' },
  T08: { contract_type: 'dienstrad_leasing' },
  T12: { order_number: '100517' },
  T13: { order_number: '100517' },
  T15: { product: 'lastenrad', contract_type: 'haendler' },
  T19: { product: 'lastenrad', contract_type: 'wartungsvertrag' },
  T21: { order_number: '100601' },
  T26: { product: 'e_bike' },
  T27: { order_number: '100655' },
  T29: { product: 'e_bike' },
  T31: { contract_type: 'dienstrad_leasing' },
  T36: { product: 'ersatzteil', contract_type: 'wartungsvertrag' },
}

type ModuleDef = Omit<CreateTextModuleInput, 'teamId' | 'tags'> & { team?: TeamKey; tags?: string[] }

/** Text modules in German and English: global ones for every reply, and one per team. */
const TEXT_MODULES: ModuleDef[] = [
  {
    scope: 'global',
    shortcut: 'gruss',
    title: 'Begrüßung / Greeting',
    tags: ['anfang'],
    variants: {
      de: { body: '{{customer.greeting}}\n\nvielen Dank für Ihre Nachricht.' },
      en: { body: '{{customer.greeting}}\n\nthank you for your message.' },
    },
  },
  {
    scope: 'global',
    shortcut: 'wartezeit',
    title: 'Entschuldigung für die Wartezeit / Sorry for the wait',
    // Offered by the reply editor after a broken promise.
    tags: ['anfang', 'entschuldigung'],
    variants: {
      de: {
        body: '{{customer.greeting}}\n\nbitte entschuldigen Sie, dass Sie auf unsere Antwort warten mussten. Bei uns war in den letzten Tagen viel los.',
      },
      en: {
        body: '{{customer.greeting}}\n\nsorry for keeping you waiting. We have had a lot to do over the past few days.',
      },
    },
  },
  {
    scope: 'global',
    shortcut: 'nochwas',
    title: 'Noch etwas? / Anything else?',
    tags: ['abschluss'],
    variants: {
      de: {
        body: 'Kann ich sonst noch etwas für Sie tun? Wenn nicht, schließen wir Ihre Anfrage #{{ticket.number}} in ein paar Tagen.',
      },
      en: {
        body: 'Is there anything else I can do for you? If not, we will close your request #{{ticket.number}} in a few days.',
      },
    },
  },
  {
    scope: 'global',
    shortcut: 'abschluss',
    title: 'Abschluss / Closing',
    tags: ['abschluss'],
    variants: {
      de: { body: 'Viele Grüße\n{{agent.name}}\nRadwerk Breisgau – {{team.name}}' },
      en: { body: 'Best regards\n{{agent.name}}\nRadwerk Breisgau – {{team.name}}' },
    },
  },
  {
    scope: 'global',
    shortcut: 'rueckfrage',
    title: 'Rückfrage an Kunden / Question to the customer',
    tags: ['rueckfrage'],
    variants: {
      de: {
        body: '{{customer.greeting}}\n\ndamit wir Ihre Anfrage #{{ticket.number}} bearbeiten können, brauchen wir noch ein paar Angaben: Ihre Bestellnummer und, wenn es um ein Rad geht, ein Foto der Stelle. Antworten Sie einfach auf diese Nachricht.\n\nViele Grüße\n{{agent.name}}',
      },
      en: {
        body: '{{customer.greeting}}\n\nto work on your request #{{ticket.number}} we need a few more details: your order number and, if it is about a bike, a photo of the spot. Just reply to this message.\n\nBest regards\n{{agent.name}}',
      },
    },
  },
  {
    scope: 'global',
    shortcut: 'loesung',
    title: 'Lösung senden / Send solution',
    tags: ['abschluss'],
    variants: {
      de: {
        body: '{{customer.greeting}}\n\nIhr Anliegen zu „{{ticket.subject}}“ ist erledigt. Kann ich sonst noch etwas für Sie tun?\n\nViele Grüße\n{{agent.name}}',
      },
      en: {
        body: '{{customer.greeting}}\n\nyour request about “{{ticket.subject}}” has been taken care of. Is there anything else I can do for you?\n\nBest regards\n{{agent.name}}',
      },
    },
  },
  {
    scope: 'team',
    team: 'service',
    shortcut: 'versand',
    title: 'Versandinfo / Shipping update',
    variants: {
      de: {
        body: '{{customer.greeting}}\n\nIhre Bestellung ist unterwegs. Die Sendungsnummer haben wir Ihnen per E-Mail geschickt; die Zustellung dauert meist ein bis zwei Werktage.',
      },
      en: {
        body: '{{customer.greeting}}\n\nyour order is on its way. We have emailed you the tracking number; delivery usually takes one to two working days.',
      },
    },
  },
  {
    scope: 'team',
    team: 'tech',
    shortcut: 'werkstatt',
    title: 'Werkstatttermin / Workshop appointment',
    variants: {
      de: {
        body: '{{customer.greeting}}\n\ngerne sehen wir uns das Rad in unserer Werkstatt in Freiburg an. Bringen Sie es an einem Werktag zwischen 9 und 18 Uhr vorbei, ein Termin ist nicht nötig.',
      },
      en: {
        body: '{{customer.greeting}}\n\nwe are happy to look at the bike in our workshop in Freiburg. Bring it in on any working day between 9 am and 6 pm; no appointment needed.',
      },
    },
  },
  {
    scope: 'team',
    team: 'billing',
    shortcut: 'gutschrift',
    title: 'Gutschrift erstellt / Credit note issued',
    variants: {
      de: {
        body: '{{customer.greeting}}\n\nwir haben Ihnen eine Gutschrift erstellt. Der Betrag wird in drei bis fünf Werktagen auf Ihr Konto zurücküberwiesen.',
      },
      en: {
        body: '{{customer.greeting}}\n\nwe have issued a credit note. The amount will be back in your account within three to five working days.',
      },
    },
  },
]

/** Macros, global and for one team; a reply names its text module by shortcut. */
type MacroDef = {
  name: string
  teams?: TeamKey[]
  actions: (
    | Exclude<CreateMacroInput['actions'][number], { type: 'reply' | 'team' }>
    | { type: 'reply'; module: string }
    | { type: 'team'; team: TeamKey; reason: string }
  )[]
}
const MACROS: MacroDef[] = [
  {
    name: 'Rückfrage an Kunden / Ask customer',
    actions: [
      { type: 'reply', module: 'rueckfrage' },
      { type: 'tags', add: ['rueckfrage'], remove: [] },
      { type: 'status', status: 'pending' },
    ],
  },
  {
    name: 'Lösung senden / Send solution',
    actions: [
      { type: 'reply', module: 'loesung' },
      { type: 'status', status: 'solved' },
    ],
  },
  {
    name: 'An die Werkstatt / Hand over to the workshop',
    teams: ['service'],
    actions: [
      { type: 'team', team: 'tech', reason: 'Technische Frage: an die Werkstatt / technical question' },
      { type: 'assignee', assignee: null },
      { type: 'note', text: 'Bitte prüfen: technische Frage aus dem Kundenservice.' },
    ],
  },
]

/** One step of a ticket's history, `h` hours after the ticket was opened. */
type Step = { h: number } & (
  | { reply: string; by: StaffKey; status?: TicketStatus }
  | { note: string; by: StaffKey }
  | { inbound: string }
  | { transfer: { team?: TeamKey; to?: StaffKey }; by: StaffKey; reason: string }
  | { status: TicketStatus; by: StaffKey; reason?: string }
  | { mergeInto: string; by: StaffKey; reason: string }
)

type TicketDef = {
  key: string
  customer: CustomerKey
  subject: string
  channel: Extract<Channel, 'email' | 'phone' | 'chat' | 'walk_in' | 'portal'>
  team: TeamKey
  /** Hours before now when the ticket was opened. */
  ago: number
  /** The customer's first message (for phone and walk-in: the agent's summary in their words). */
  text: string
  /** Who takes it: phone and walk-in tickets are opened by this agent, others are picked up shortly after. */
  assignee?: StaffKey
  priority?: 'low' | 'normal' | 'high' | 'urgent'
  tags?: string[]
  steps?: Step[]
}

const day = (days: number, hours = 0) => days * 24 + hours

const TICKETS: TicketDef[] = [
  {
    key: 'T01',
    customer: 'becker',
    channel: 'email',
    team: 'service',
    ago: day(27, 6),
    subject: 'Lieferung unvollständig – Schutzblech fehlt',
    text: 'Guten Tag,\n\nheute kam mein Trekkingrad (Bestellung 100391) an, aber das hintere Schutzblech fehlt im Karton. Können Sie es nachschicken?\n\nViele Grüße\nAnna Becker',
    assignee: 'jonas',
    tags: ['lieferung', 'nachlieferung'],
    steps: [
      {
        h: 2,
        by: 'jonas',
        reply:
          'Hallo Frau Becker,\n\ndas tut mir leid. Das Schutzblech geht heute noch als Nachlieferung an Sie raus, die Sendungsnummer kommt per E-Mail.\n\nViele Grüße\nJonas Weber',
      },
      { h: 30, inbound: 'Ist angekommen und passt. Danke für die schnelle Hilfe!' },
      { h: 31, by: 'jonas', status: 'solved' },
      { h: day(8, 2), by: 'lena', status: 'closed' },
    ],
  },
  {
    key: 'T02',
    customer: 'bennett',
    channel: 'email',
    team: 'service',
    ago: day(26, 3),
    subject: 'Wholesale order WS-2291: delivery date',
    text: 'Hello,\n\ncould you confirm when our wholesale order WS-2291 (20 × Schwalbe Marathon tyres, 10 × cargo bike child seats) will ship? We have customers waiting.\n\nBest regards,\nOliver Bennett\nThornbury Cycles',
    assignee: 'emma',
    tags: ['wholesale'],
    steps: [
      {
        h: 3,
        by: 'emma',
        reply:
          'Hi Oliver,\n\nthe tyres are packed; the child seats arrive from our supplier on Thursday. We will ship everything together on Friday. I will send you the tracking number.\n\nKind regards,\nEmma',
        status: 'pending',
      },
      { h: 50, inbound: 'Friday works for us. Thanks, Emma.' },
      {
        h: 75,
        by: 'emma',
        reply: 'Your order has shipped with DHL Express, tracking 00340434161094012345.',
        status: 'solved',
      },
      { h: day(9), by: 'lena', status: 'closed' },
    ],
  },
  {
    key: 'T03',
    customer: 'schneider',
    channel: 'phone',
    team: 'service',
    ago: day(25, 4),
    subject: 'Rückfrage zur Bestellung 100402: Lieferadresse',
    text: 'Kunde ruft an: Er ist nächste Woche nicht zu Hause und möchte die Bestellung 100402 an seine Arbeitsadresse liefern lassen.',
    assignee: 'jonas',
    tags: ['adressänderung'],
    steps: [
      {
        h: 0.2,
        by: 'jonas',
        note: 'Lieferadresse im Shop-System geändert (Firma Schneider Haustechnik, Mainzer Landstr. 12, Frankfurt).',
      },
      {
        h: 0.3,
        by: 'jonas',
        reply: 'Am Telefon bestätigt: Die Lieferung geht an die Arbeitsadresse.',
        status: 'solved',
      },
      { h: day(8), by: 'lena', status: 'closed' },
    ],
  },
  {
    key: 'T04',
    customer: 'wolf',
    channel: 'email',
    team: 'tech',
    ago: day(24, 8),
    subject: 'E-Bike-Akku lädt nicht mehr vollständig',
    text: 'Hallo,\n\nmein Akku (Bosch PowerPack 500) lädt seit einer Woche nur noch bis 60 %. Das Ladegerät zeigt keine Fehler. Ist das ein Garantiefall?\n\nMichael Wolf',
    assignee: 'markus',
    priority: 'high',
    tags: ['e-bike', 'akku', 'garantie'],
    steps: [
      {
        h: 4,
        by: 'markus',
        reply:
          'Hallo Herr Wolf,\n\nkönnen Sie mir bitte die Ladezyklen aus dem Display-Menü (Einstellungen → Akku) und das Kaufdatum schicken? Dann kann ich den Garantiefall prüfen.\n\nGrüße\nMarkus Keller, Werkstatt',
        status: 'pending',
      },
      {
        h: 20,
        inbound: 'Ladezyklen: 212. Gekauft im Mai 2022 bei Ihnen, Rechnung hängt an.',
      },
      {
        h: 21,
        by: 'markus',
        note: 'Unter 300 Zyklen und innerhalb von 2 Jahren Herstellergarantie auf Zellen: Garantiefall bei Bosch anmelden.',
      },
      {
        h: 22,
        by: 'markus',
        reply:
          'Das ist ein Garantiefall. Bitte schicken Sie den Akku mit dem beigefügten Gefahrgut-Label an uns; wir melden ihn bei Bosch an.',
        status: 'on_hold',
      },
      { h: day(9), by: 'markus', note: 'Austauschakku von Bosch eingetroffen, geht heute raus.' },
      {
        h: day(9, 1),
        by: 'markus',
        reply: 'Ihr Austauschakku ist heute an Sie verschickt worden.',
        status: 'solved',
      },
      { h: day(17), by: 'lena', status: 'closed' },
    ],
  },
  {
    key: 'T05',
    customer: 'hartmann',
    channel: 'email',
    team: 'billing',
    ago: day(24, 2),
    subject: 'Rechnung RE-2024-0815 doppelt erhalten',
    text: 'Hallo,\n\nwir haben die Rechnung RE-2024-0815 zweimal per Post bekommen. Bitte um kurze Bestätigung, dass nur einmal zu zahlen ist.\n\nJ. Hartmann, Einkauf Radhaus Müller',
    assignee: 'sabine',
    tags: ['rechnung'],
    steps: [
      {
        h: 5,
        by: 'sabine',
        reply:
          'Sehr geehrter Herr Hartmann,\n\ndie Rechnung wurde versehentlich doppelt gedruckt. Bitte zahlen Sie nur einmal.\n\nMit freundlichen Grüßen\nSabine Krüger, Buchhaltung',
        status: 'solved',
      },
      { h: day(8), by: 'sabine', status: 'closed' },
    ],
  },
  {
    key: 'T06',
    customer: 'carter',
    channel: 'chat',
    team: 'service',
    ago: day(23, 5),
    subject: 'Do you ship to Switzerland?',
    text: 'Hi! Do you ship e-bikes to Switzerland, and who pays the customs?',
    assignee: 'emma',
    steps: [
      {
        h: 0.1,
        by: 'emma',
        reply:
          'Hi Emily, yes, we ship to Switzerland. E-bikes go by freight; customs and Swiss VAT are charged on delivery. The checkout shows the shipping cost.',
        status: 'solved',
      },
      { h: day(7), by: 'lena', status: 'closed' },
    ],
  },
  {
    key: 'T07',
    customer: 'schaefer',
    channel: 'walk_in',
    team: 'tech',
    ago: day(22, 2),
    subject: 'Inspektion Citybike, Bremsen quietschen',
    text: 'Kundin bringt ihr Citybike zur Inspektion; die Scheibenbremsen quietschen beim Bremsen.',
    assignee: 'aylin',
    tags: ['werkstatt', 'inspektion'],
    steps: [
      {
        h: 0.1,
        by: 'aylin',
        note: 'Bremsbeläge verglast, Scheiben in Ordnung. Beläge tauschen, 49 € inkl. Arbeit.',
      },
      {
        h: 26,
        by: 'aylin',
        reply: 'Ihr Rad ist fertig und kann im Laden abgeholt werden. Die Bremsbeläge wurden getauscht.',
        status: 'solved',
      },
      { h: day(8), by: 'lena', status: 'closed' },
    ],
  },
  {
    key: 'T08',
    customer: 'schulz',
    channel: 'email',
    team: 'billing',
    ago: day(21, 3),
    subject: 'Sammelrechnung Dienstrad-Leasing März',
    text: 'Guten Tag,\n\nin der Sammelrechnung für März fehlen zwei Diensträder (Nr. 31 und 32), die seit 1. März im Einsatz sind. Bitte korrigieren.\n\nD. Schulz, Fuhrpark',
    assignee: 'sabine',
    tags: ['leasing', 'rechnung'],
    steps: [
      {
        h: 6,
        by: 'sabine',
        reply:
          'Sehr geehrter Herr Schulz,\n\nkönnen Sie uns die Übergabeprotokolle der beiden Räder schicken? Dann erstellen wir eine korrigierte Rechnung.',
        status: 'pending',
      },
      { h: 28, inbound: 'Die Protokolle hängen an.' },
      {
        h: 30,
        by: 'sabine',
        reply: 'Danke. Die korrigierte Rechnung RE-2024-0844 ist unterwegs; die alte ist storniert.',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T09',
    customer: 'fischer',
    channel: 'portal',
    team: 'service',
    ago: day(20, 7),
    subject: 'Rücksendung: Fahrradhelm zu klein',
    text: 'Der Helm (Größe S) ist zu klein. Ich möchte ihn gegen Größe M tauschen.',
    assignee: 'jonas',
    tags: ['rücksendung', 'umtausch'],
    steps: [
      {
        h: 3,
        by: 'jonas',
        reply:
          'Hallo Frau Fischer,\n\nim Kundenportal finden Sie jetzt ein Rücksendeetikett. Sobald der Helm bei uns ist, schicken wir Größe M los.',
        status: 'pending',
      },
      { h: 27, inbound: 'Der Helm ist unterwegs.' },
      {
        h: 72,
        by: 'jonas',
        reply: 'Der Helm ist angekommen, Größe M wurde heute verschickt.',
        status: 'solved',
      },
      { h: day(10), by: 'lena', status: 'closed' },
    ],
  },
  {
    key: 'T10',
    customer: 'bauer',
    channel: 'phone',
    team: 'tech',
    ago: day(19, 5),
    subject: 'Kettenschaltung springt',
    text: 'Kunde meldet: Die Kette springt im 3. und 4. Gang, seit das Hinterrad ausgebaut war.',
    assignee: 'markus',
    tags: ['schaltung'],
    steps: [
      {
        h: 0.2,
        by: 'markus',
        reply:
          'Am Telefon erklärt: Zugspannung an der Einstellschraube am Schaltwerk eine halbe Umdrehung gegen den Uhrzeigersinn erhöhen.',
      },
      { h: 3, inbound: 'Hat geklappt, läuft wieder sauber. Danke!' },
      { h: 3.5, by: 'markus', status: 'solved' },
      { h: day(8), by: 'lena', status: 'closed' },
    ],
  },
  {
    key: 'T11',
    customer: 'hughes',
    channel: 'email',
    team: 'service',
    ago: day(18, 9),
    subject: 'Credit note for returned saddles',
    text: 'Dear Radwerk team,\n\nwe returned 6 saddles (RMA 4471) three weeks ago but have not received a credit note yet. Could you look into it?\n\nCharlotte Hughes, Accounts',
    assignee: 'emma',
    tags: ['gutschrift', 'wholesale'],
    steps: [
      {
        h: 1,
        by: 'emma',
        transfer: { team: 'billing', to: 'sabine' },
        reason: 'Credit notes are issued by Buchhaltung; the return RMA 4471 was received on the 2nd.',
      },
      {
        h: 5,
        by: 'sabine',
        reply:
          'Dear Ms Hughes,\n\nthe credit note GS-2024-0107 over EUR 354.00 is attached; we will offset it against your next invoice.\n\nKind regards,\nSabine Krüger',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T12',
    customer: 'zimmermann',
    channel: 'email',
    team: 'service',
    ago: day(18, 4),
    subject: 'Wo bleibt meine Bestellung 100517?',
    text: 'Hallo, ich habe vor 8 Tagen bestellt und noch keine Versandbestätigung. Wann kommt das Paket?\nLukas Zimmermann',
    assignee: 'jonas',
    tags: ['lieferung'],
    steps: [
      {
        h: 4,
        by: 'jonas',
        reply:
          'Hallo Herr Zimmermann,\n\nder Fahrradträger kommt verspätet vom Hersteller. Wir rechnen mit Versand in drei Tagen und melden uns.',
        status: 'pending',
      },
      { h: 80, by: 'jonas', reply: 'Ihre Bestellung ist heute rausgegangen.', status: 'solved' },
    ],
  },
  {
    key: 'T13',
    customer: 'zimmermann',
    channel: 'email',
    team: 'service',
    ago: day(16, 20),
    subject: 'Nochmal: Bestellung 100517 nicht angekommen',
    text: 'Ich warte immer noch auf meine Bestellung. Gibt es schon eine Sendungsnummer?',
    steps: [
      {
        h: 1,
        by: 'jonas',
        mergeInto: 'T12',
        reason: 'Dieselbe Bestellung wie das erste Ticket; der Kunde hat erneut geschrieben.',
      },
    ],
  },
  {
    key: 'T14',
    customer: 'murphy',
    channel: 'email',
    team: 'tech',
    ago: day(16, 2),
    subject: 'Replacement derailleur hanger for Cube Attention',
    text: 'Hi,\n\nI bent the derailleur hanger on my Cube Attention (2021). Which part number do I need?\n\nDan',
    assignee: 'markus',
    tags: ['ersatzteil'],
    steps: [
      {
        h: 3,
        by: 'markus',
        reply:
          'Hi Dan,\n\nit is the Cube hanger #12 (part 10307). Can you confirm the frame size so I can check the axle standard?',
        status: 'pending',
      },
      { h: 9, inbound: 'Frame size 19", quick release axle.' },
      {
        h: 10,
        by: 'markus',
        reply: 'Then #12 is right. I have added it to your account; you can order it in the shop.',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T15',
    customer: 'mueller',
    channel: 'phone',
    team: 'service',
    ago: day(15, 3),
    subject: 'Händlerbestellung: Lieferverzug Lastenräder',
    text: 'Frau Müller (Radhaus Müller) fragt nach den 4 Lastenrädern aus der Händlerbestellung HB-118; ihre Kunden warten seit sechs Wochen.',
    assignee: 'lena',
    priority: 'high',
    tags: ['händler', 'lieferverzug'],
    steps: [
      {
        h: 0.3,
        by: 'lena',
        note: 'Hersteller meldet neue Rahmenlieferung für KW 24. 10 % Nachlass als Entgegenkommen angeboten.',
      },
      {
        h: 0.5,
        by: 'lena',
        reply:
          'Am Telefon zugesagt: Versand in KW 24, 10 % Nachlass auf die vier Räder. Schriftliche Bestätigung folgt per E-Mail.',
      },
      {
        h: 1,
        by: 'lena',
        status: 'on_hold',
        reason: 'Wartet auf die Rahmenlieferung des Herstellers (KW 24).',
      },
    ],
  },
  {
    key: 'T16',
    customer: 'braun',
    channel: 'email',
    team: 'service',
    ago: day(14, 6),
    subject: 'Gutschein-Code funktioniert nicht',
    text: 'Der Code FRUEHLING15 aus dem Newsletter wird im Warenkorb abgelehnt.',
    assignee: 'jonas',
    tags: ['gutschein'],
    steps: [
      {
        h: 2,
        by: 'jonas',
        reply:
          'Hallo Frau Braun,\n\nder Code gilt ab 50 € Warenwert; Ihr Warenkorb lag knapp darunter. Ich habe Ihnen einen Code ohne Mindestwert hinterlegt: RADWERK-BRAUN.',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T17',
    customer: 'oconnor',
    channel: 'chat',
    team: 'service',
    ago: day(13, 4),
    subject: 'Change delivery address',
    text: 'Hi, I just ordered (100588) and used my old address by mistake. Can you change it to Wilhelmstraße 7, Freiburg?',
    assignee: 'emma',
    tags: ['adressänderung'],
    steps: [
      {
        h: 0.1,
        by: 'emma',
        reply: 'Done: order 100588 goes to Wilhelmstraße 7, 79098 Freiburg. It has not shipped yet.',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T18',
    customer: 'krause',
    channel: 'phone',
    team: 'billing',
    ago: day(12, 2),
    subject: 'Lastschrift zurückgebucht – Mahnung erhalten',
    text: 'Herr Krause hat eine Mahnung erhalten. Die Lastschrift wurde zurückgebucht, weil er die Bank gewechselt hat.',
    assignee: 'sabine',
    tags: ['mahnung', 'zahlung'],
    steps: [
      { h: 0.2, by: 'sabine', note: 'Mahngebühr storniert, neues SEPA-Mandat per E-Mail angefordert.' },
      {
        h: 0.3,
        by: 'sabine',
        reply: 'Mahngebühr storniert. Bitte das neue SEPA-Mandat unterschrieben zurückschicken.',
        status: 'pending',
      },
      { h: 40, inbound: 'Mandat ist unterschrieben zurück, per Post.' },
      { h: 70, by: 'sabine', reply: 'Mandat ist da, der Betrag wird neu eingezogen.', status: 'solved' },
    ],
  },
  {
    key: 'T19',
    customer: 'vogel',
    channel: 'email',
    team: 'tech',
    ago: day(11, 5),
    subject: 'Flotte: 6 Lastenräder zur Inspektion',
    text: 'Hallo Werkstatt,\n\nsechs unserer Lastenräder sind zur Halbjahresinspektion fällig. Wann können wir sie bringen? Am liebsten zwei pro Tag.\n\nNiklas, Velo Kurier',
    assignee: 'markus',
    tags: ['wartungsvertrag', 'werkstatt'],
    steps: [
      {
        h: 5,
        by: 'markus',
        reply:
          'Hallo Niklas,\n\npasst: Montag bis Mittwoch nächster Woche je zwei Räder, Abgabe bis 8 Uhr, Abholung ab 17 Uhr.',
      },
      { h: 7, inbound: 'Super, so machen wir es.' },
      { h: 8, by: 'markus', note: 'Termine im Werkstattkalender eingetragen (Mo–Mi, je 2 Räder).' },
    ],
  },
  {
    key: 'T20',
    customer: 'richardson',
    channel: 'portal',
    team: 'service',
    ago: day(10, 7),
    subject: 'Return: wrong size jersey',
    text: 'The cycling jersey I received is size L, I ordered M. Please send the right size.',
    assignee: 'emma',
    tags: ['rücksendung'],
    steps: [
      {
        h: 4,
        by: 'emma',
        reply:
          'Sorry about that, Tom. A return label is in your portal account; the jersey in M ships as soon as the L is on its way back.',
        status: 'pending',
      },
    ],
  },
  {
    key: 'T21',
    customer: 'yilmaz',
    channel: 'walk_in',
    team: 'service',
    ago: day(10, 2),
    subject: 'Abholung Bestellung 100601 im Laden',
    text: 'Kundin möchte ihre Bestellung 100601 (Kinderrad 20") im Laden abholen, hat aber keine Abholbestätigung bekommen.',
    assignee: 'aylin',
    tags: ['abholung'],
    steps: [
      {
        h: 0.2,
        by: 'aylin',
        reply: 'Rad aus dem Lager geholt und übergeben; Abholung im Shop-System bestätigt.',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T22',
    customer: 'richter',
    channel: 'email',
    team: 'service',
    ago: day(9, 8),
    subject: 'Welche Rahmengröße für ein Kinderfahrrad?',
    text: 'Meine Tochter ist 7 Jahre alt und 1,24 m groß. Passt das 20- oder das 24-Zoll-Rad besser?',
    assignee: 'jonas',
    steps: [
      {
        h: 3,
        by: 'jonas',
        reply:
          'Hallo Frau Richter,\n\nbei 1,24 m passt das 20-Zoll-Rad jetzt gut; das 24-Zoll-Rad ab etwa 1,30 m. Im Laden kann Ihre Tochter gern Probe fahren.',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T23',
    customer: 'neumann',
    channel: 'email',
    team: 'service',
    ago: day(8, 6),
    subject: 'Licht flackert (Nabendynamo)',
    text: 'Hallo, das Vorderlicht meines Rades (Nabendynamo) flackert bei langsamer Fahrt und geht manchmal ganz aus.',
    assignee: 'jonas',
    tags: ['elektrik'],
    steps: [
      {
        h: 1,
        by: 'jonas',
        transfer: { team: 'tech', to: 'markus' },
        reason: 'Vermutlich Kontaktproblem am Dynamo-Stecker; braucht Werkstatt-Wissen.',
      },
      {
        h: 4,
        by: 'markus',
        reply:
          'Hallo Frau Neumann,\n\nbitte prüfen Sie den Stecker an der Nabe: abziehen, Kontakte mit einem trockenen Tuch reinigen, fest aufstecken. Hilft das?',
        status: 'pending',
      },
    ],
  },
  {
    key: 'T24',
    customer: 'lange',
    channel: 'email',
    team: 'billing',
    ago: day(8, 3),
    subject: 'Zahlungsziel für Rechnung RE-2024-0912',
    text: 'Hallo,\n\nkönnen wir die Rechnung RE-2024-0912 (Inspektion der Flotte) in zwei Raten zahlen?\n\nMara Lange, Buchhaltung Velo Kurier',
    assignee: 'sabine',
    tags: ['ratenzahlung'],
    steps: [
      {
        h: 5,
        by: 'sabine',
        reply:
          'Hallo Frau Lange,\n\ngerne: erste Hälfte zum 15., zweite zum 30. des Monats. Bitte geben Sie die Rechnungsnummer als Verwendungszweck an.',
        status: 'pending',
      },
    ],
  },
  {
    key: 'T25',
    customer: 'aydin',
    channel: 'phone',
    team: 'service',
    ago: day(7, 4),
    subject: 'Reklamation: Lenkergriffe lösen sich',
    text: 'Herr Aydın meldet, dass sich die ergonomischen Griffe nach drei Wochen am Lenker verdrehen.',
    assignee: 'jonas',
    tags: ['reklamation'],
    steps: [
      {
        h: 0.2,
        by: 'jonas',
        reply: 'Am Telefon: Er bekommt neue Griffe mit Klemmschraube kostenlos zugeschickt.',
      },
      { h: 0.3, by: 'jonas', note: 'Ersatzgriffe beim Lager angefordert; Versand morgen früh.' },
    ],
  },
  {
    key: 'T26',
    customer: 'sharma',
    channel: 'chat',
    team: 'tech',
    ago: day(7, 1),
    subject: 'Which charger fits my Bosch PowerPack 500?',
    text: 'Hi, my charger broke. Which one do I need for a Bosch PowerPack 500 (2021)?',
    assignee: 'aylin',
    tags: ['akku', 'ersatzteil'],
    steps: [
      {
        h: 0.1,
        by: 'aylin',
        reply:
          'Hi Priya, any Bosch Standard Charger 4A (BPC3400) fits. The compact 2A charger works too but takes about twice as long.',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T27',
    customer: 'becker',
    channel: 'email',
    team: 'service',
    ago: day(6, 5),
    subject: 'Rechnung für Bestellung 100655 fehlt',
    text: 'Hallo, für meine Bestellung 100655 habe ich keine Rechnung bekommen. Ich brauche sie für meinen Arbeitgeber.',
    assignee: 'jonas',
    tags: ['rechnung'],
    steps: [
      {
        h: 1,
        by: 'jonas',
        transfer: { team: 'billing', to: 'sabine' },
        reason: 'Rechnungskopien erstellt die Buchhaltung.',
      },
      {
        h: 3,
        by: 'sabine',
        reply: 'Hallo Frau Becker,\n\nanbei die Rechnung RE-2024-0958 als PDF.\n\nViele Grüße\nSabine Krüger',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T28',
    customer: 'bennett',
    channel: 'email',
    team: 'service',
    ago: day(5, 7),
    subject: 'Spring order confirmation',
    text: 'Hello Emma,\n\nplease find our spring order attached (order WS-2340). Can you confirm prices and availability?\n\nOliver',
    assignee: 'emma',
    tags: ['wholesale'],
    steps: [
      {
        h: 2,
        by: 'emma',
        note: 'Two items (Ortlieb Back-Roller, colour lime) out of stock until next month; asking Lena about the dealer discount.',
      },
      {
        h: 5,
        by: 'emma',
        reply:
          'Hi Oliver, everything is available except the lime Back-Roller panniers (next month). Prices as in the dealer list; I will send the confirmation tomorrow.',
      },
    ],
  },
  {
    key: 'T29',
    customer: 'wolf',
    channel: 'email',
    team: 'tech',
    ago: day(5, 2),
    subject: 'Reichweite mit dem Austauschakku geringer',
    text: 'Hallo Herr Keller,\n\nmit dem neuen Akku komme ich nur 45 km weit statt früher 70 km. Ist das normal?',
    assignee: 'markus',
    tags: ['e-bike', 'akku'],
    steps: [
      {
        h: 4,
        by: 'markus',
        reply:
          'Hallo Herr Wolf,\n\nneue Akkus brauchen ein paar volle Ladezyklen. Bitte laden Sie dreimal ganz voll und fahren ihn leer. Falls es dann nicht besser ist, prüfen wir ihn in der Werkstatt.',
        status: 'pending',
      },
    ],
  },
  {
    key: 'T30',
    customer: 'hartmann',
    channel: 'portal',
    team: 'billing',
    ago: day(4, 6),
    subject: 'Bitte Rechnungsadresse ändern',
    text: 'Unsere Rechnungsadresse hat sich geändert: Radhaus Müller GmbH, Aachener Str. 200, 50931 Köln. Bitte ab sofort verwenden.',
    assignee: 'sabine',
    tags: ['stammdaten'],
    steps: [
      {
        h: 3,
        by: 'sabine',
        note: 'Adresse im Debitorenkonto geändert; offene Rechnung RE-0971 neu drucken?',
      },
    ],
  },
  {
    key: 'T31',
    customer: 'schulz',
    channel: 'phone',
    team: 'tech',
    ago: day(4, 2),
    subject: 'Dienstrad Nr. 14: Riss am Rahmen?',
    text: 'Herr Schulz meldet einen möglichen Riss am Unterrohr von Dienstrad Nr. 14. Das Rad ist stillgelegt.',
    assignee: 'markus',
    priority: 'urgent',
    tags: ['leasing', 'sicherheit'],
    steps: [
      { h: 0.2, by: 'markus', note: 'Fotos angefordert. Rad darf bis zur Klärung nicht gefahren werden.' },
      {
        h: 0.3,
        by: 'markus',
        reply:
          'Am Telefon: Rad bitte nicht mehr fahren. Wir holen es morgen ab und stellen ein Ersatzrad zur Verfügung.',
      },
      {
        h: 26,
        by: 'markus',
        status: 'on_hold',
        reason: 'Rahmen zur Begutachtung beim Hersteller; Ersatzrad ist ausgeliefert.',
      },
    ],
  },
  {
    key: 'T32',
    customer: 'carter',
    channel: 'email',
    team: 'service',
    ago: day(3, 7),
    subject: 'Package damaged on arrival',
    text: 'Hello,\n\nmy order 100702 arrived with a crushed box and the front light is broken. What should I do?\n\nEmily',
    assignee: 'emma',
    tags: ['transportschaden'],
    steps: [
      {
        h: 2,
        by: 'emma',
        reply:
          'Hi Emily, I am sorry. Could you send us a photo of the box and the light? We will then send a new light right away.',
        status: 'pending',
      },
      { h: 20, inbound: 'Photos attached. The box was already open when DHL delivered it.' },
    ],
  },
  {
    key: 'T33',
    customer: 'schneider',
    channel: 'walk_in',
    team: 'tech',
    ago: day(3, 3),
    subject: 'Platten am Hinterrad',
    text: 'Kunde kommt mit Platten am Hinterrad vorbei, möchte den Schlauch direkt tauschen lassen.',
    assignee: 'aylin',
    tags: ['werkstatt'],
    steps: [
      {
        h: 0.5,
        by: 'aylin',
        reply:
          'Schlauch getauscht, Reifen auf Fremdkörper geprüft (Glassplitter entfernt). 15 € bar bezahlt.',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T34',
    customer: 'schaefer',
    channel: 'email',
    team: 'service',
    ago: day(2, 8),
    subject: 'Newsletter abbestellen',
    text: 'Bitte tragen Sie mich aus dem Newsletter aus. Danke.',
    assignee: 'jonas',
    priority: 'low',
    steps: [
      {
        h: 1,
        by: 'jonas',
        reply: 'Erledigt, Sie erhalten keinen Newsletter mehr.',
        status: 'solved',
      },
    ],
  },
  {
    key: 'T35',
    customer: 'murphy',
    channel: 'portal',
    team: 'tech',
    ago: day(2, 3),
    subject: 'Torque spec for carbon seatpost',
    text: 'What torque should I use for the seat clamp with a carbon seatpost on the Cube Attention? The manual only lists alloy.',
  },
  {
    key: 'T36',
    customer: 'vogel',
    channel: 'chat',
    team: 'service',
    ago: day(1, 6),
    subject: 'Liefertermin Ersatzteile Lastenrad',
    text: 'Hi, wann kommen die Bremsscheiben für unsere Lastenräder (Bestellung 100711)?',
    assignee: 'aylin',
    tags: ['ersatzteil'],
    steps: [
      {
        h: 0.1,
        by: 'aylin',
        reply: 'Die Bremsscheiben sind beim Großhändler bestellt; Lieferung voraussichtlich Donnerstag.',
        status: 'pending',
      },
    ],
  },
  {
    key: 'T37',
    customer: 'braun',
    channel: 'email',
    team: 'billing',
    ago: day(1, 2),
    subject: 'Betrag doppelt abgebucht',
    text: 'Guten Tag,\n\nfür die Bestellung 100698 wurden 189,90 € zweimal von meiner Kreditkarte abgebucht. Bitte erstatten Sie einen Betrag.\n\nClaudia Braun',
    priority: 'high',
    tags: ['zahlung'],
  },
  {
    key: 'T38',
    customer: 'yilmaz',
    channel: 'phone',
    team: 'service',
    ago: 5,
    subject: 'Rückruf erbeten: Bestellung stornieren',
    text: 'Frau Yılmaz möchte die Bestellung 100730 stornieren, war aber in Eile. Bittet um Rückruf.',
    assignee: 'jonas',
    tags: ['storno'],
    steps: [
      { h: 0.1, by: 'jonas', note: 'Kundin bittet um Rückruf nach 16 Uhr unter der hinterlegten Nummer.' },
    ],
  },
  {
    key: 'T39',
    customer: 'richardson',
    channel: 'email',
    team: 'service',
    ago: 3,
    subject: 'Gift wrapping available?',
    text: 'Hi, do you offer gift wrapping? I would like to send a bell and a saddle bag to my nephew in Freiburg.',
    priority: 'low',
  },
  {
    key: 'T40',
    customer: 'fischer',
    channel: 'email',
    team: 'service',
    ago: 1,
    subject: 'Fahrradschloss: Schlüssel verloren',
    text: 'Ich habe die Schlüssel meines Faltschlosses verloren. Kann ich mit der Schlüsselnummer Ersatz bestellen?',
  },
]

export type DemoResult =
  | { seeded: false }
  | {
      seeded: true
      /** The password of every demo staff account (generated per seeding). */
      staffPassword: string
      staffEmails: string[]
      counts: {
        teams: number
        staff: number
        organizations: number
        customers: number
        tickets: number
        fields: number
        textModules: number
        macros: number
      }
    }

const channelDataFor = (def: TicketDef, customer: CustomerDef, at: Date): ChannelData | undefined => {
  switch (def.channel) {
    case 'email':
      return {
        channel: 'email',
        messageId: `<${at.getTime().toString(36)}.${def.key.toLowerCase()}@mail.${customer.email.split('@')[1]}>`,
        from: `${customer.name} <${customer.email}>`,
        to: [SHOP_EMAIL],
      }
    case 'phone':
      return {
        channel: 'phone',
        from: customer.phone ? (normalizePhone(customer.phone) ?? undefined) : undefined,
        to: SHOP_PHONE,
        durationSeconds: 120 + ((def.key.charCodeAt(2) * 37) % 480),
      }
    case 'chat':
      return { channel: 'chat', sessionId: `chat-${def.key.toLowerCase()}` }
    case 'walk_in':
      return { channel: 'walk_in', branch: 'Laden Freiburg', counter: 'Werkstatt' }
    default:
      return undefined
  }
}

/**
 * Seeds the demo company through the domain services, each step at its own backdated time.
 * Does nothing when the demo data is already there. Runs in the caller's transaction when given one.
 */
export const seedDemo = (ctx: Ctx): Promise<DemoResult> =>
  inTransaction(ctx, async (ctx) => {
    if (await findStaffByEmail(ctx.db, MARKER_EMAIL)) return { seeded: false }
    const now = ctx.clock.now()
    const clock = fixedClock(now)
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000)
    const setup: Ctx = { ...ctx, actor: SYSTEM, clock }
    clock.set(hoursAgo(day(40)))

    const teamIds = {} as Record<TeamKey, string>
    for (const [key, team] of Object.entries(TEAMS) as [TeamKey, (typeof TEAMS)[TeamKey]][]) {
      teamIds[key] = (await createTeam(setup, team)).team.id
    }
    await seedDemoCalendar(setup)

    const staffPassword = generatePassword()
    const staffIds = {} as Record<StaffKey, string>
    for (const [key, person] of Object.entries(STAFF) as [StaffKey, (typeof STAFF)[StaffKey]][]) {
      const { staff } = await createStaff(setup, {
        name: person.name,
        email: staffEmail(key),
        role: person.role,
        language: person.language,
        password: staffPassword,
        teams: [],
      })
      staffIds[key] = staff.id
      for (const [team, role] of Object.entries(person.teams) as [TeamKey, 'member' | 'supervisor'][]) {
        await addMember(setup, teamIds[team], staff.id, role)
      }
    }
    const actors = new Map<StaffKey, Actor>()
    const actorOf = async (key: StaffKey) => {
      let actor = actors.get(key)
      if (!actor) {
        actor = await loadActor(ctx.db, staffIds[key])
        if (!actor) throw new Error(`demo staff ${key} is missing`)
        actors.set(key, actor)
      }
      return actor
    }

    // The shop's ticket fields, text modules and macros, set up before the first ticket.
    for (const field of FIELDS) await createField(setup, CreateTicketFieldInput.parse(field))
    const lena = { ...setup, actor: await actorOf('lena') }
    const moduleIds = new Map<string, string>()
    for (const { team, ...def } of TEXT_MODULES) {
      // Global ones by the desk itself, the teams' by their supervisor.
      const input = CreateTextModuleSchema.parse({ ...def, ...(team ? { teamId: teamIds[team] } : {}) })
      const created = await createTextModule(team ? lena : setup, input)
      moduleIds.set(def.shortcut, created.module.id)
    }
    for (const m of MACROS) {
      await createMacro(
        setup,
        CreateMacroInput.parse({
          name: m.name,
          teamIds: (m.teams ?? []).map((k) => teamIds[k]),
          actions: m.actions.map((a) => {
            if ('module' in a) return { type: 'reply', textModuleId: moduleIds.get(a.module)! }
            if ('team' in a) return { type: 'team', teamId: teamIds[a.team], reason: a.reason }
            return a
          }),
        }),
      )
    }

    const orgIds = {} as Record<OrgKey, string>
    for (const [key, org] of Object.entries(ORGANIZATIONS) as [OrgKey, (typeof ORGANIZATIONS)[OrgKey]][]) {
      orgIds[key] = (await createOrganization(setup, org)).id
    }
    const customerIds = {} as Record<CustomerKey, string>
    let minutes = 0
    for (const [key, c] of Object.entries(CUSTOMERS) as [CustomerKey, CustomerDef][]) {
      minutes += 97
      clock.set(new Date(hoursAgo(day(35)).getTime() + minutes * 60_000))
      const customer = await createCustomer(setup, {
        name: c.name,
        language: c.language,
        organizationId: c.org ? orgIds[c.org] : null,
        emails: [c.email],
        phones: c.phone ? [{ number: c.phone, label: c.phone.startsWith('01') ? 'mobil' : undefined }] : [],
        notes: c.notes ?? '',
      })
      customerIds[key] = customer.id
    }

    // Every ticket's opening and steps, in the order they happened across all tickets, so that
    // ticket numbers follow time and a merge finds the ticket it goes into.
    type Action = { at: number; order: number; run: () => Promise<unknown> }
    const actions: Action[] = []
    const refs = new Map<string, number>()
    const latest = now.getTime() - 60_000
    for (const def of TICKETS) {
      const customer: CustomerDef = CUSTOMERS[def.customer]
      const openedAt = hoursAgo(def.ago).getTime()
      const at = (h: number) => Math.min(openedAt + h * 3_600_000, latest)
      const byStaff = def.channel === 'phone' || def.channel === 'walk_in'
      actions.push({
        at: openedAt,
        order: actions.length,
        run: async () => {
          const actor = byStaff && def.assignee ? await actorOf(def.assignee) : SYSTEM
          const input = CreateTicketInput.parse({
            subject: def.subject,
            customerId: customerIds[def.customer],
            channel: def.channel,
            priority: def.priority ?? 'normal',
            teamId: teamIds[def.team],
            assigneeId: byStaff && def.assignee ? staffIds[def.assignee] : undefined,
            tags: def.tags ?? [],
            ...(TICKET_FIELDS[def.key] ? { fields: TICKET_FIELDS[def.key] } : {}),
            message: {
              text: def.text,
              direction: 'inbound',
              channelData: channelDataFor(def, customer, new Date(openedAt)),
            },
          })
          const created = await createTicket({ ...ctx, actor, clock: fixedClock(new Date(openedAt)) }, input)
          refs.set(def.key, created.number)
        },
      })
      if (def.assignee && !byStaff) {
        const assignee = def.assignee
        actions.push({
          at: at(0.25),
          order: actions.length,
          run: async () =>
            assignTicket(
              { ...ctx, actor: await actorOf(assignee), clock: fixedClock(new Date(at(0.25))) },
              refs.get(def.key)!,
              AssignTicketInput.parse({ assigneeId: staffIds[assignee] }),
            ),
        })
      }
      for (const step of def.steps ?? []) {
        const when = at(step.h)
        const stepCtx = async (by: StaffKey) => ({
          ...ctx,
          actor: await actorOf(by),
          clock: fixedClock(new Date(when)),
        })
        const ref = () => refs.get(def.key)!
        let run: () => Promise<unknown>
        if ('reply' in step) {
          run = async () => {
            const replyCtx = await stepCtx(step.by)
            const { interactionId } = await addInteraction(
              replyCtx,
              ref(),
              AddInteractionInput.parse({
                kind: 'reply',
                text: step.reply,
                status: step.status,
                ...(step.status ? { closing: DEMO_CLOSING } : {}),
              }),
            )
            // The company's earlier mail went out before Tresen: its replies count as delivered.
            if (def.channel === 'email') await recordSentEarlier(replyCtx, interactionId)
          }
        } else if ('note' in step) {
          run = async () =>
            addInteraction(
              await stepCtx(step.by),
              ref(),
              AddInteractionInput.parse({ kind: 'note', text: step.note }),
            )
        } else if ('inbound' in step) {
          run = async () =>
            addInteraction(
              { ...ctx, actor: SYSTEM, clock: fixedClock(new Date(when)) },
              ref(),
              AddInteractionInput.parse({
                kind: 'inbound',
                text: step.inbound,
                channelData:
                  def.channel === 'email' ? channelDataFor(def, customer, new Date(when)) : undefined,
              }),
            )
        } else if ('transfer' in step) {
          run = async () =>
            assignTicket(
              await stepCtx(step.by),
              ref(),
              AssignTicketInput.parse({
                teamId: step.transfer.team ? teamIds[step.transfer.team] : undefined,
                assigneeId: step.transfer.to ? staffIds[step.transfer.to] : null,
                reason: step.reason,
              }),
            )
        } else if ('mergeInto' in step) {
          run = async () =>
            mergeTicket(
              await stepCtx(step.by),
              ref(),
              MergeTicketInput.parse({ into: refs.get(step.mergeInto)!, reason: step.reason }),
            )
        } else {
          run = async () =>
            updateTicket(
              await stepCtx(step.by),
              ref(),
              UpdateTicketInput.parse({ status: step.status, reason: step.reason, closing: DEMO_CLOSING }),
            )
        }
        actions.push({ at: when, order: actions.length, run })
      }
    }
    actions.sort((a, b) => a.at - b.at || a.order - b.order)
    for (const action of actions) await action.run()

    return {
      seeded: true,
      staffPassword,
      staffEmails: (Object.keys(STAFF) as StaffKey[]).map(staffEmail),
      counts: {
        teams: Object.keys(TEAMS).length,
        staff: Object.keys(STAFF).length,
        organizations: Object.keys(ORGANIZATIONS).length,
        customers: Object.keys(CUSTOMERS).length,
        tickets: TICKETS.length,
        fields: FIELDS.length,
        textModules: TEXT_MODULES.length,
        macros: MACROS.length,
      },
    }
  })

// ---------- business hours (calendars) ----------

/**
 * The shop's default calendar: Freiburg is in Baden-Württemberg, so its public holidays close the
 * desk; Saturdays the shop and the desk are open in the morning; 24 and 31 December are short days.
 */
const seedDemoCalendar = async (setup: Ctx) => {
  const office = [{ from: '08:00', to: '18:00' }]
  const year = setup.clock.now().getUTCFullYear()
  const shortDays = [year, year + 1].flatMap((y) =>
    [`${y}-12-24`, `${y}-12-31`].flatMap((date) => {
      const weekday = new Date(`${date}T12:00:00Z`).getUTCDay() // 0 = Sunday
      if (weekday === 0) return []
      return [
        { date, frames: [{ from: weekday === 6 ? '09:00' : '08:00', to: '12:00' }], note: 'Kurzer Tag' },
      ]
    }),
  )
  await createCalendar(setup, {
    name: 'Geschäftszeiten Baden-Württemberg',
    timeZone: 'Europe/Berlin',
    week: {
      mon: office,
      tue: office,
      wed: office,
      thu: office,
      fri: office,
      sat: [{ from: '09:00', to: '13:00' }],
      sun: [],
    },
    holidays: { country: 'DE', state: 'BW' },
    exceptions: shortDays,
    isDefault: true,
  })
}
