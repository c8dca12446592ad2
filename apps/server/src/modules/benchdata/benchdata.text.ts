import type { Rng } from './benchdata.random.ts'

/**
 * Support conversations in German and English, built from phrase templates: subjects, customer
 * messages, replies and internal notes about deliveries, returns, invoices, refunds, broken
 * devices, contracts, accounts and payments. Words appear in their inflected forms
 * ("Rücksendung", "Rücksendungen", "zurückgeschickt"; "refund", "refunds", "refunded"), so the
 * German and English stemmers see what real mail looks like.
 */

export type Lang = 'de' | 'en'

/** Values that stay the same throughout one ticket (its order, invoice, product, …). */
export type TicketFacts = {
  order: string
  invoice: string
  amount: number
  product: number
  tracking: string
  contract: string
  days: number
  count: number
  carrier: number
  date: number
}

/** Who speaks in a message. */
export type Voices = { customer: string; agent: string }

type Phrases = {
  subjects: string[]
  opening: string[]
  details: string[]
  followUps: string[]
  replies: string[]
  solutions: string[]
  notes: string[]
}

type Topic = { key: string; tags: string[]; de: Phrases; en: Phrases }

export const TOPICS: Topic[] = [
  {
    key: 'delivery',
    tags: ['lieferung', 'versand', 'nachlieferung', 'sendungsverfolgung'],
    de: {
      subjects: [
        'Lieferung zu Bestellung {order} noch nicht angekommen',
        'Wo bleibt meine Bestellung {order}?',
        'Paket beschädigt angekommen',
        'Lieferung unvollständig – {product} fehlt',
        'Falscher Artikel geliefert (Bestellung {order})',
        'Lieferverzögerung bei {product}',
      ],
      opening: [
        'Ich habe am {date} die Bestellung {order} aufgegeben, aber bis heute ist nichts angekommen.',
        'Laut Sendungsverfolgung liegt mein Paket seit {days} Tagen im Verteilzentrum von {carrier}.',
        'Heute kam das Paket zu Bestellung {order}, aber der Karton war stark beschädigt und {product} hat Kratzer.',
        'In der Lieferung fehlt {product}, obwohl es auf dem Lieferschein steht.',
        'Statt {product} wurde mir ein ganz anderer Artikel geliefert.',
      ],
      details: [
        'Die Sendungsnummer lautet {tracking}.',
        'Ich brauche die Ware dringend, weil ich sie verschenken möchte.',
        'Der Zusteller hat nur eine Benachrichtigungskarte eingeworfen, eine Abholstation wurde nicht genannt.',
        'Fotos von der Verpackung und dem Inhalt habe ich angehängt.',
        'Bei meinen letzten Lieferungen hat alles problemlos geklappt.',
        'Können Sie mir bitte sagen, wann ich mit der Lieferung rechnen kann?',
        'Ich war den ganzen Tag zu Hause, geklingelt hat niemand.',
        'Die Bestellbestätigung habe ich am {date} per E-Mail bekommen.',
      ],
      followUps: [
        'Gibt es schon Neuigkeiten zu meiner Lieferung?',
        'Das Paket ist immer noch nicht da. Die Sendungsverfolgung zeigt seit Tagen keinen neuen Status.',
        'Die Nachlieferung ist angekommen, vielen Dank!',
        'Ich habe die Fotos wie gewünscht nachgereicht.',
        'Bitte schicken Sie den fehlenden Artikel an meine neue Adresse.',
      ],
      replies: [
        'es tut mir leid, dass Ihre Lieferung noch nicht angekommen ist. Ich habe bei {carrier} einen Nachforschungsauftrag zur Sendung {tracking} gestellt.',
        'vielen Dank für die Fotos. Wir schicken Ihnen {product} kostenlos als Nachlieferung, die neue Sendungsnummer bekommen Sie per E-Mail.',
        'laut {carrier} wird Ihr Paket in den nächsten {days} Werktagen zugestellt.',
        'der fehlende Artikel ist bereits verpackt und geht morgen mit {carrier} an Sie raus.',
        'bitte schauen Sie auch bei Ihren Nachbarn nach, manchmal geben die Zusteller Pakete dort ab.',
      ],
      solutions: [
        'die Nachlieferung wurde heute zugestellt. Ich schließe den Vorgang; melden Sie sich gern, falls noch etwas fehlt.',
        'die Ersatzlieferung ist unterwegs, Sendungsnummer {tracking}. Den beschädigten Artikel müssen Sie nicht zurückschicken.',
        'wir haben Ihnen den Betrag von {amount} für die verlorene Sendung erstattet.',
      ],
      notes: [
        'Nachforschungsauftrag bei {carrier} gestellt, Antwort in {days} Tagen erwartet.',
        'Lager hat bestätigt: {product} war beim Versand nicht im Paket. Nachlieferung angelegt.',
        'Sendung {tracking} laut {carrier} als verloren gemeldet, Ersatz ohne Rücksendung freigegeben.',
        'Kunde ist Stammkunde, Nachlieferung per Express veranlasst.',
        'Lieferschein geprüft:\tBestellung {order}\tPositionen {count}',
      ],
    },
    en: {
      subjects: [
        'Order {order} has not arrived yet',
        'Where is my order {order}?',
        'Parcel arrived damaged',
        'Delivery incomplete – {product} missing',
        'Wrong item delivered (order {order})',
        'Delayed delivery of {product}',
      ],
      opening: [
        'I placed order {order} on {date}, but nothing has been delivered so far.',
        'According to the tracking page my parcel has been sitting at the {carrier} depot for {days} days.',
        'The parcel for order {order} arrived today, but the box was crushed and the {product} is scratched.',
        'The {product} is missing from the delivery although it is listed on the delivery note.',
        'Instead of the {product} I received a completely different item.',
      ],
      details: [
        'The tracking number is {tracking}.',
        'I need the item urgently because it is a birthday present.',
        'The courier left a card but did not say where the parcel can be collected.',
        'I have attached photos of the packaging and the contents.',
        'All my previous deliveries arrived without any problems.',
        'Could you tell me when the delivery is expected?',
        'I was at home all day and nobody rang the bell.',
        'I received the order confirmation by email on {date}.',
      ],
      followUps: [
        'Is there any news about my delivery?',
        'The parcel still has not arrived and the tracking has not changed for days.',
        'The replacement delivery has arrived, thank you!',
        'I have sent the photos you asked for.',
        'Please send the missing item to my new address.',
      ],
      replies: [
        'I am sorry your delivery has not arrived yet. I have opened an investigation with {carrier} for parcel {tracking}.',
        'thank you for the photos. We will send you a replacement {product} free of charge and email you the new tracking number.',
        'according to {carrier}, your parcel will be delivered within the next {days} working days.',
        'the missing item is packed and will be shipped with {carrier} tomorrow.',
        'please also check with your neighbours; couriers sometimes leave parcels there.',
      ],
      solutions: [
        'the replacement was delivered today, so I am closing this request. Let us know if anything else is missing.',
        'the replacement is on its way, tracking number {tracking}. You do not need to return the damaged item.',
        'we have refunded {amount} for the lost parcel.',
      ],
      notes: [
        'Investigation opened with {carrier}, answer expected in {days} days.',
        'Warehouse confirmed the {product} was not packed. Replacement delivery created.',
        'Parcel {tracking} reported lost by {carrier}; replacement approved without return.',
        'Long-standing customer, replacement sent by express delivery.',
        'Checked delivery note:\torder {order}\titems {count}',
      ],
    },
  },
  {
    key: 'return',
    tags: ['rücksendung', 'retoure', 'erstattung', 'umtausch'],
    de: {
      subjects: [
        'Rücksendung von {product}',
        'Rücksendungen aus Bestellung {order}',
        'Erstattung für Rücksendung noch nicht erhalten',
        'Umtausch {product} gegen andere Größe',
        'Retourenschein funktioniert nicht',
      ],
      opening: [
        'Ich möchte {product} aus der Bestellung {order} zurückschicken, es passt leider nicht.',
        'Meine Rücksendung ist laut {carrier} seit {days} Tagen bei Ihnen, die Erstattung von {amount} fehlt aber noch.',
        'Ich habe {count} Artikel zurückgesendet und bisher nur für einen Artikel eine Gutschrift bekommen.',
        'Der Retourenschein aus dem Kundenkonto lässt sich nicht ausdrucken, es kommt nur eine Fehlermeldung.',
        'Kann ich {product} gegen eine andere Größe umtauschen, statt ihn zurückzuschicken?',
      ],
      details: [
        'Die Ware ist unbenutzt und originalverpackt.',
        'Die Sendungsnummer der Rücksendung ist {tracking}.',
        'Ich habe die Rücksendung am {date} bei der Packstation abgegeben.',
        'Bitte erstatten Sie den Betrag auf mein Konto, nicht als Gutschein.',
        'Bei früheren Rücksendungen ging die Erstattung immer schneller.',
        'Die Widerrufsfrist von 30 Tagen ist noch nicht abgelaufen.',
      ],
      followUps: [
        'Die Erstattung ist heute auf meinem Konto eingegangen, danke.',
        'Ich warte immer noch auf die Erstattung meiner Rücksendung.',
        'Haben Sie die zurückgeschickten Artikel inzwischen erhalten?',
        'Danke für das Retourenetikett, das Paket ist unterwegs.',
      ],
      replies: [
        'Ihre Rücksendung ist bei uns eingegangen und wird gerade geprüft. Die Erstattung von {amount} erfolgt innerhalb von {days} Werktagen.',
        'im Anhang finden Sie ein neues Retourenetikett für {carrier}. Bitte kleben Sie es gut sichtbar auf das Paket.',
        'gern tauschen wir {product} um. Schicken Sie den Artikel mit dem beiliegenden Etikett zurück, die neue Größe versenden wir sofort nach Eingang.',
        'wir haben bisher nur eine der Rücksendungen erhalten. Können Sie mir die Sendungsnummer der zweiten schicken?',
      ],
      solutions: [
        'die Erstattung von {amount} wurde heute angewiesen und sollte in {days} Tagen auf Ihrem Konto sein.',
        'beide Rücksendungen sind geprüft und vollständig erstattet.',
        'der Umtausch ist erledigt, die neue Größe ist mit Sendungsnummer {tracking} unterwegs.',
      ],
      notes: [
        'Retoure im Lager eingegangen, Ware einwandfrei. Erstattung freigegeben.',
        'Zweite Rücksendung nicht auffindbar, Nachfrage bei {carrier} läuft.',
        'Erstattung über {amount} in der Buchhaltung angestoßen.',
        'Retourenportal liefert Fehler 500 für Bestellungen vom {date}, an die IT gemeldet.',
      ],
    },
    en: {
      subjects: [
        'Return of {product}',
        'Returns from order {order}',
        'Refund for my return not received',
        'Exchange {product} for another size',
        'Returns label does not work',
      ],
      opening: [
        'I would like to return the {product} from order {order}; unfortunately it does not fit.',
        'According to {carrier} my return reached you {days} days ago, but I have not been refunded the {amount} yet.',
        'I returned {count} items and was only refunded for one of them.',
        'The returns label in my account cannot be printed; I only get an error message.',
        'Can I exchange the {product} for a different size instead of returning it?',
      ],
      details: [
        'The item is unused and in its original packaging.',
        'The tracking number of the return is {tracking}.',
        'I dropped the return off at the parcel shop on {date}.',
        'Please refund the money to my card, not as store credit.',
        'Refunds for my earlier returns were processed much faster.',
        'I am still within the 30-day return period.',
      ],
      followUps: [
        'The refund arrived in my account today, thanks.',
        'I am still waiting for the refund for my return.',
        'Have you received the returned items by now?',
        'Thanks for the label, the parcel is on its way.',
      ],
      replies: [
        'your return has arrived and is being checked. The refund of {amount} will be processed within {days} working days.',
        'please find attached a new {carrier} returns label. Stick it clearly on the parcel.',
        'we are happy to exchange the {product}. Send it back with the enclosed label and we will ship the new size as soon as it arrives.',
        'so far we have received only one of the returns. Could you send me the tracking number of the second one?',
      ],
      solutions: [
        'the refund of {amount} was issued today and should reach your account within {days} days.',
        'both returns have been checked and fully refunded.',
        'the exchange is done; the new size is on its way with tracking number {tracking}.',
      ],
      notes: [
        'Return received in the warehouse, goods in perfect condition. Refund approved.',
        'Second return cannot be found, query with {carrier} is open.',
        'Refund of {amount} requested from accounting.',
        'Returns portal throws error 500 for orders placed on {date}; reported to IT.',
      ],
    },
  },
  {
    key: 'invoice',
    tags: ['rechnung', 'gutschrift', 'mahnung', 'buchhaltung'],
    de: {
      subjects: [
        'Rechnung {invoice} doppelt erhalten',
        'Fehler in Rechnung {invoice}',
        'Bitte Rechnungen mit Firmenadresse ausstellen',
        'Mahnung trotz Zahlung',
        'Kopie der Rechnung zu Bestellung {order}',
      ],
      opening: [
        'Wir haben die Rechnung {invoice} zweimal bekommen. Bitte bestätigen Sie kurz, dass nur einmal zu zahlen ist.',
        'Auf der Rechnung {invoice} ist {product} mit {amount} berechnet, laut Angebot waren es aber weniger.',
        'Bitte stellen Sie künftig alle Rechnungen auf unsere Firmenadresse aus, nicht auf meinen Namen.',
        'Heute kam eine Mahnung für die Rechnung {invoice}, die wir bereits am {date} bezahlt haben.',
        'Ich finde die Rechnung zu meiner Bestellung {order} nicht mehr im Kundenkonto.',
      ],
      details: [
        'Den Zahlungsbeleg habe ich angehängt.',
        'Für unsere Buchhaltung brauchen wir die Rechnungen als PDF.',
        'Die Umsatzsteuer-ID steht in unserer Signatur.',
        'Die Mahngebühren sehen wir nicht ein.',
        'Die Überweisung lief mit dem Verwendungszweck {invoice}.',
        'Bitte korrigieren Sie die Rechnung und schicken Sie uns eine neue.',
      ],
      followUps: [
        'Vielen Dank für die korrigierte Rechnung.',
        'Die Gutschrift ist angekommen, damit ist alles erledigt.',
        'Können Sie uns auch die Rechnungen der letzten {count} Monate schicken?',
        'Wir haben noch keine Antwort auf unsere Anfrage erhalten.',
      ],
      replies: [
        'die Rechnung {invoice} wurde versehentlich doppelt versendet. Bitte zahlen Sie nur einmal.',
        'Sie haben recht, der Preis war falsch. Sie erhalten eine Gutschrift über die Differenz und eine korrigierte Rechnung.',
        'wir haben die Rechnungsadresse in Ihrem Kundenkonto geändert; alle künftigen Rechnungen gehen an die Firma.',
        'die Zahlung ist bei uns eingegangen, die Mahnung ist damit gegenstandslos. Die Mahngebühren haben wir storniert.',
      ],
      solutions: [
        'anbei die korrigierte Rechnung {invoice} als PDF.',
        'die Gutschrift über {amount} ist erstellt und wird mit der nächsten Rechnung verrechnet.',
        'die Kopien der gewünschten Rechnungen finden Sie im Anhang.',
      ],
      notes: [
        'Zahlung vom {date} im Buchhaltungssystem gefunden, falsch zugeordnet. Korrigiert.',
        'Gutschrift {amount} angelegt, Freigabe durch Teamleitung.',
        'Doppelter Rechnungsdruck durch Fehler im Druckdienst, betrifft {count} Kunden.',
        'Mahnsperre für 14 Tage gesetzt.',
      ],
    },
    en: {
      subjects: [
        'Invoice {invoice} received twice',
        'Mistake on invoice {invoice}',
        'Please address invoices to our company',
        'Payment reminder although we paid',
        'Copy of the invoice for order {order}',
      ],
      opening: [
        'We received invoice {invoice} twice. Please confirm that we only need to pay once.',
        'Invoice {invoice} charges {amount} for the {product}, but the quote was lower.',
        'From now on please address all invoices to our company, not to me personally.',
        'Today we got a reminder for invoice {invoice}, which we paid on {date}.',
        'I can no longer find the invoice for order {order} in my account.',
      ],
      details: [
        'The proof of payment is attached.',
        'Our accounts team needs the invoices as PDF files.',
        'Our VAT number is in the signature below.',
        'We do not accept the late payment fee.',
        'The bank transfer used {invoice} as the reference.',
        'Please correct the invoice and send us a new one.',
      ],
      followUps: [
        'Thank you for the corrected invoice.',
        'The credit note arrived, so everything is settled.',
        'Could you also send us the invoices of the last {count} months?',
        'We have not heard back about our request yet.',
      ],
      replies: [
        'invoice {invoice} was sent twice by mistake. Please pay it only once.',
        'you are right, the price was wrong. You will receive a credit note for the difference and a corrected invoice.',
        'we have changed the billing address in your account; all future invoices will be addressed to the company.',
        'your payment has arrived, so please ignore the reminder. We have cancelled the late payment fee.',
      ],
      solutions: [
        'please find the corrected invoice {invoice} attached as a PDF.',
        'a credit note for {amount} has been issued and will be deducted from your next invoice.',
        'the copies of the invoices you asked for are attached.',
      ],
      notes: [
        'Payment from {date} found in the ledger, it had been matched to the wrong account. Fixed.',
        'Credit note for {amount} created, approved by the team lead.',
        'Invoices printed twice because of a print service fault; {count} customers affected.',
        'Dunning paused for 14 days.',
      ],
    },
  },
  {
    key: 'refund',
    tags: ['erstattung', 'zahlung', 'stornierung'],
    de: {
      subjects: [
        'Erstattung nach Stornierung fehlt',
        'Bestellung {order} storniert – wann kommt mein Geld?',
        'Doppelte Abbuchung von {amount}',
        'Erstattung auf falsches Konto',
      ],
      opening: [
        'Ich habe die Bestellung {order} am {date} storniert, das Geld ist aber noch nicht zurück.',
        'Mir wurde der Betrag von {amount} zweimal von der Kreditkarte abgebucht.',
        'Die Erstattung wurde auf mein altes Konto überwiesen, das ich inzwischen aufgelöst habe.',
        'Sie hatten mir eine Erstattung zugesagt, bisher ist aber nichts passiert.',
      ],
      details: [
        'Die Stornierungsbestätigung liegt mir vor.',
        'Auf dem Kontoauszug stehen beide Abbuchungen mit demselben Datum.',
        'Meine neue IBAN schicke ich Ihnen gern per Telefon durch.',
        'Es geht immerhin um {amount}.',
        'Bitte prüfen Sie das zeitnah.',
      ],
      followUps: [
        'Das Geld ist angekommen. Danke für die Erstattung!',
        'Nach {days} Tagen ist immer noch keine Erstattung da.',
        'Wann genau wird erstattet?',
      ],
      replies: [
        'die Erstattung von {amount} ist angewiesen. Je nach Bank dauert die Gutschrift {days} Werktage.',
        'die doppelte Abbuchung ist eine Vormerkung Ihrer Bank und verschwindet in wenigen Tagen von selbst.',
        'bitte teilen Sie uns die neue Bankverbindung nicht per E-Mail mit; wir rufen Sie dazu an.',
      ],
      solutions: [
        'der Betrag von {amount} wurde Ihnen heute erstattet.',
        'die zweite Abbuchung wurde storniert und erstattet.',
      ],
      notes: [
        'Erstattung im Zahlungsdienst geprüft: Status ausgeführt am {date}.',
        'Doppelbuchung bestätigt, Rückbuchung veranlasst.',
        'Kunde telefonisch verifiziert, neue Bankverbindung hinterlegt.',
      ],
    },
    en: {
      subjects: [
        'Refund missing after cancellation',
        'Order {order} cancelled – when will I be refunded?',
        'Charged twice for {amount}',
        'Refund sent to the wrong account',
      ],
      opening: [
        'I cancelled order {order} on {date}, but I have not been refunded yet.',
        'My credit card was charged {amount} twice.',
        'The refund went to my old bank account, which I have closed in the meantime.',
        'You promised me a refund, but nothing has happened so far.',
      ],
      details: [
        'I have the cancellation confirmation.',
        'Both charges show up on my statement with the same date.',
        'I can give you my new bank details by phone.',
        'After all, this is about {amount}.',
        'Please look into this soon.',
      ],
      followUps: [
        'The money has arrived. Thanks for the refund!',
        'After {days} days there is still no refund.',
        'When exactly will I be refunded?',
      ],
      replies: [
        'the refund of {amount} has been issued. Depending on your bank it takes {days} working days to show up.',
        'the second charge is a pre-authorisation by your bank and will disappear within a few days.',
        'please do not send us your new bank details by email; we will call you to take them.',
      ],
      solutions: [
        'we refunded {amount} to you today.',
        'the duplicate charge has been reversed and refunded.',
      ],
      notes: [
        'Checked the refund with the payment provider: executed on {date}.',
        'Duplicate charge confirmed, chargeback initiated.',
        'Customer verified by phone, new bank details stored.',
      ],
    },
  },
  {
    key: 'device',
    tags: ['defekt', 'garantie', 'reparatur', 'technik'],
    de: {
      subjects: [
        '{product} defekt',
        '{product} lässt sich nicht mehr einschalten',
        'Garantiefall: {product}',
        'Reparatur von {product} dauert zu lange',
        'Fehlermeldung beim Einrichten von {product}',
      ],
      opening: [
        'Mein {product} funktioniert seit gestern nicht mehr, das Display bleibt schwarz.',
        'Nach dem letzten Update startet {product} ständig neu.',
        'Ich habe {product} vor {count} Monaten bei Ihnen gekauft und jetzt ist der Akku defekt.',
        'Das Gerät ist seit {days} Tagen in Reparatur und ich habe noch nichts gehört.',
        'Beim Einrichten meldet {product} den Fehler E-{count}0{days} und bricht ab.',
      ],
      details: [
        'Ich habe es schon mit einem anderen Ladekabel versucht.',
        'Ein Werksreset hat nichts geändert.',
        'Die Rechnung hängt an, das Gerät ist noch in der Garantie.',
        'Die Seriennummer steht auf der Unterseite, ich habe ein Foto beigelegt.',
        'Im Protokoll steht der Pfad C:\\Programme\\Geraetemanager\\log.txt, aber die Datei ist leer.',
        'Ich brauche das Gerät beruflich und bin auf eine schnelle Lösung angewiesen.',
      ],
      followUps: [
        'Das Gerät ist verpackt, wohin soll ich es schicken?',
        'Das Update hat das Problem behoben, danke!',
        'Der Fehler tritt leider wieder auf.',
        'Wie ist der Stand der Reparatur?',
      ],
      replies: [
        'bitte halten Sie die Ein-Taste 15 Sekunden gedrückt, um einen Neustart zu erzwingen, und geben Sie mir Bescheid, ob das hilft.',
        'das klingt nach einem Garantiefall. Ich schicke Ihnen ein kostenloses Versandetikett, damit Sie {product} an unsere Werkstatt senden können.',
        'Ihr Gerät ist in der Werkstatt eingegangen, die Reparatur dauert etwa {days} Werktage.',
        'für diesen Fehler gibt es ein Firmware-Update. Bitte installieren Sie es über die App.',
      ],
      solutions: [
        'Ihr repariertes Gerät ist heute an Sie verschickt worden, Sendungsnummer {tracking}.',
        'da eine Reparatur nicht möglich war, bekommen Sie ein Austauschgerät.',
        'schön, dass das Update geholfen hat. Ich schließe die Anfrage.',
      ],
      notes: [
        'Fehlerbild bekannt, betrifft Seriennummern aus Charge {count}.',
        'Werkstatt: Akku getauscht, Gerät getestet, Versand morgen.',
        'Garantie geprüft: Kaufdatum {date}, innerhalb der Frist.',
        'Eskalation an den Hersteller, Ticket-Nr. beim Hersteller {tracking}.',
      ],
    },
    en: {
      subjects: [
        '{product} broken',
        '{product} will not switch on anymore',
        'Warranty claim: {product}',
        'Repair of my {product} is taking too long',
        'Error message when setting up the {product}',
      ],
      opening: [
        'My {product} stopped working yesterday; the display stays black.',
        'Since the last update the {product} keeps restarting.',
        'I bought the {product} from you {count} months ago and now the battery is broken.',
        'The device has been in repair for {days} days and I have not heard anything.',
        'During setup the {product} shows error E-{count}0{days} and stops.',
      ],
      details: [
        'I have already tried a different charging cable.',
        'A factory reset did not change anything.',
        'The receipt is attached; the device is still under warranty.',
        'The serial number is on the bottom, I attached a photo.',
        'The log mentions C:\\Program Files\\DeviceManager\\log.txt, but that file is empty.',
        'I need the device for work and depend on a quick fix.',
      ],
      followUps: [
        'The device is packed; where should I send it?',
        'The update fixed the problem, thanks!',
        'Unfortunately the error is back.',
        'What is the status of the repair?',
      ],
      replies: [
        'please hold the power button for 15 seconds to force a restart and let me know whether that helps.',
        'this sounds like a warranty case. I will send you a free shipping label so you can send the {product} to our workshop.',
        'your device has arrived at the workshop; the repair takes about {days} working days.',
        'there is a firmware update for this error. Please install it through the app.',
      ],
      solutions: [
        'your repaired device was shipped today, tracking number {tracking}.',
        'as a repair was not possible, you will receive a replacement device.',
        'glad the update helped. I am closing this request.',
      ],
      notes: [
        'Known fault, affects serial numbers from batch {count}.',
        'Workshop: battery replaced, device tested, ships tomorrow.',
        'Warranty checked: purchased on {date}, within the warranty period.',
        'Escalated to the manufacturer, their reference {tracking}.',
      ],
    },
  },
  {
    key: 'contract',
    tags: ['vertrag', 'kündigung', 'tarifwechsel', 'abo'],
    de: {
      subjects: [
        'Kündigung meines Vertrags {contract}',
        'Vertragsverlängerung und Tarifwechsel',
        'Kündigungsbestätigung fehlt',
        'Frage zur Laufzeit von Vertrag {contract}',
      ],
      opening: [
        'Hiermit kündige ich meinen Vertrag {contract} fristgerecht zum nächstmöglichen Zeitpunkt.',
        'Mein Vertrag läuft im {count}. Monat aus; ich möchte in einen günstigeren Tarif wechseln.',
        'Ich habe vor {days} Tagen gekündigt, aber noch keine Kündigungsbestätigung bekommen.',
        'Wie lange läuft mein Vertrag {contract} noch, und bis wann kann ich kündigen?',
      ],
      details: [
        'Bitte bestätigen Sie mir die Kündigung schriftlich.',
        'Ich bin seit Jahren Kunde und war immer zufrieden.',
        'Die monatliche Abbuchung von {amount} soll danach bitte aufhören.',
        'In den Vertragsunterlagen finde ich keine Angabe zur Kündigungsfrist.',
      ],
      followUps: [
        'Danke für die Bestätigung.',
        'Ich warte weiterhin auf die Bestätigung meiner Kündigung.',
        'Der neue Tarif passt, bitte umstellen.',
      ],
      replies: [
        'wir bestätigen die Kündigung Ihres Vertrags {contract} zum {date}.',
        'Ihr Vertrag hat eine Kündigungsfrist von einem Monat. Wir können Ihnen auch einen Tarifwechsel ohne neue Mindestlaufzeit anbieten.',
        'die Kündigung ist bei uns eingegangen; die schriftliche Bestätigung kommt per Post.',
      ],
      solutions: [
        'der Tarifwechsel ist gebucht und gilt ab dem nächsten Monat.',
        'die Kündigung ist bestätigt, die letzte Abbuchung erfolgt am {date}.',
      ],
      notes: [
        'Rückgewinnungsangebot angeboten, Kunde lehnt ab.',
        'Vertrag {contract} im System zum Monatsende gekündigt.',
        'Bestätigung lag im Postausgang fest, manuell versendet.',
      ],
    },
    en: {
      subjects: [
        'Cancelling my contract {contract}',
        'Contract renewal and plan change',
        'No cancellation confirmation',
        'Question about the term of contract {contract}',
      ],
      opening: [
        'Please cancel my contract {contract} at the earliest possible date.',
        'My contract ends in month {count}; I would like to switch to a cheaper plan.',
        'I cancelled {days} days ago but have not received a confirmation.',
        'How long does my contract {contract} still run, and when can I cancel it?',
      ],
      details: [
        'Please confirm the cancellation in writing.',
        'I have been a customer for years and was always happy.',
        'The monthly direct debit of {amount} should stop afterwards.',
        'The contract documents do not mention the notice period.',
      ],
      followUps: [
        'Thanks for the confirmation.',
        'I am still waiting for the confirmation of my cancellation.',
        'The new plan works for me, please switch.',
      ],
      replies: [
        'we confirm the cancellation of your contract {contract} as of {date}.',
        'your contract has a notice period of one month. We can also offer you a plan change without a new minimum term.',
        'we have received your cancellation; the written confirmation will follow by post.',
      ],
      solutions: [
        'the plan change is booked and applies from next month.',
        'the cancellation is confirmed; the last direct debit will be on {date}.',
      ],
      notes: [
        'Offered a retention discount, customer declined.',
        'Contract {contract} cancelled in the system as of month end.',
        'Confirmation was stuck in the outbox, sent manually.',
      ],
    },
  },
  {
    key: 'account',
    tags: ['passwort', 'konto', 'login', 'datenschutz'],
    de: {
      subjects: [
        'Passwort vergessen',
        'Kann mich nicht mehr anmelden',
        'E-Mail zum Zurücksetzen des Passworts kommt nicht an',
        'Kundenkonto löschen',
        'E-Mail-Adresse im Kundenkonto ändern',
      ],
      opening: [
        'Ich habe mein Passwort vergessen und die E-Mail zum Zurücksetzen kommt nicht an.',
        'Seit heute kann ich mich nicht mehr anmelden, es heißt immer „Passwort falsch“.',
        'Bitte löschen Sie mein Kundenkonto und alle gespeicherten Daten.',
        'Ich möchte die E-Mail-Adresse in meinem Kundenkonto ändern.',
        'Mein Konto wurde nach mehreren Anmeldeversuchen gesperrt.',
      ],
      details: [
        'Im Spam-Ordner ist auch nichts.',
        'Ich habe die Passwörter schon mehrfach zurückgesetzt.',
        'Meine Kundennummer lautet {order}.',
        'Ich nutze den Browser auf dem Handy und auf dem Laptop.',
        'Bitte bestätigen Sie mir die Löschung nach der DSGVO.',
      ],
      followUps: [
        'Jetzt klappt die Anmeldung wieder, danke.',
        'Die E-Mail ist immer noch nicht angekommen.',
        'Ist mein Konto inzwischen gelöscht?',
      ],
      replies: [
        'ich habe Ihnen einen neuen Link zum Zurücksetzen des Passworts geschickt. Er ist {days} Stunden gültig.',
        'Ihr Konto war nach zu vielen Anmeldeversuchen vorübergehend gesperrt. Ich habe die Sperre aufgehoben.',
        'aus Sicherheitsgründen können wir die E-Mail-Adresse nur nach einer Bestätigung über die alte Adresse ändern.',
      ],
      solutions: [
        'Ihr Kundenkonto und die zugehörigen Daten wurden gelöscht.',
        'die E-Mail-Adresse ist geändert, Sie können sich jetzt mit der neuen Adresse anmelden.',
        'schön, dass die Anmeldung wieder funktioniert.',
      ],
      notes: [
        'Zurücksetzungs-Mails an diese Domain werden abgewiesen, an Mail-Admin gemeldet.',
        'Konto entsperrt, Passwort-Zurücksetzung erzwungen.',
        'Löschanfrage nach Art. 17 DSGVO, Frist bis {date} notiert.',
      ],
    },
    en: {
      subjects: [
        'Forgot my password',
        'Cannot sign in anymore',
        'Password reset email never arrives',
        'Delete my account',
        'Change the email address of my account',
      ],
      opening: [
        'I forgot my password and the reset email never arrives.',
        'Since today I cannot sign in; it always says the password is wrong.',
        'Please delete my account and all stored data.',
        'I would like to change the email address of my account.',
        'My account was locked after several sign-in attempts.',
      ],
      details: [
        'There is nothing in the spam folder either.',
        'I have reset my passwords several times already.',
        'My customer number is {order}.',
        'I use the browser on my phone and on my laptop.',
        'Please confirm the deletion under the GDPR.',
      ],
      followUps: [
        'Signing in works again, thanks.',
        'The email still has not arrived.',
        'Has my account been deleted by now?',
      ],
      replies: [
        'I have sent you a new password reset link. It is valid for {days} hours.',
        'your account was locked temporarily after too many sign-in attempts. I have unlocked it.',
        'for security reasons we can only change the email address after a confirmation from the old address.',
      ],
      solutions: [
        'your account and the related data have been deleted.',
        'the email address has been changed; you can now sign in with the new address.',
        'glad signing in works again.',
      ],
      notes: [
        'Reset emails to this domain are being rejected, reported to the mail admin.',
        'Account unlocked, password reset enforced.',
        'Erasure request under Art. 17 GDPR, deadline {date} noted.',
      ],
    },
  },
  {
    key: 'payment',
    tags: ['zahlung', 'lastschrift', 'ratenzahlung', 'rechnung'],
    de: {
      subjects: [
        'Lastschrift fehlgeschlagen',
        'Ratenzahlung für Bestellung {order} möglich?',
        'Zahlung per Rechnung nicht auswählbar',
        'Zahlungserinnerung erhalten',
      ],
      opening: [
        'Die Lastschrift über {amount} ist fehlgeschlagen, weil ich das Konto gewechselt habe.',
        'Kann ich die Bestellung {order} in Raten bezahlen?',
        'Beim Bezahlen wird mir die Zahlung per Rechnung nicht mehr angeboten.',
        'Ich habe eine Zahlungserinnerung über {amount} bekommen und verstehe nicht, wofür.',
      ],
      details: [
        'Bitte ziehen Sie den Betrag erneut ein.',
        'Die Rücklastschriftgebühr übernehme ich natürlich.',
        'Bisher konnte ich immer auf Rechnung zahlen.',
        'Welche Rechnungen sind noch offen?',
      ],
      followUps: [
        'Ich habe den Betrag jetzt überwiesen.',
        'Danke, die Ratenzahlung ist eingerichtet.',
        'Warum wird mir die Zahlung per Rechnung weiterhin nicht angeboten?',
      ],
      replies: [
        'bitte hinterlegen Sie die neue Bankverbindung in Ihrem Kundenkonto; wir ziehen den Betrag dann in {days} Tagen erneut ein.',
        'Ratenzahlung bieten wir ab einem Bestellwert von 200 € über unseren Zahlungspartner an.',
        'die Zahlung per Rechnung hängt von einer automatischen Prüfung ab, auf die wir keinen Einfluss haben.',
      ],
      solutions: [
        'die Zahlung ist eingegangen, Ihr Konto ist ausgeglichen.',
        'die Ratenzahlung ist eingerichtet, die erste Rate wird am {date} fällig.',
      ],
      notes: [
        'Rücklastschrift vom {date}, Gebühr {amount}.',
        'Offene Posten geprüft: {count} Rechnungen offen.',
        'Zahlungsdienst meldet Ablehnung der Bonitätsprüfung, keine Details an Kunden geben.',
      ],
    },
    en: {
      subjects: [
        'Direct debit failed',
        'Can I pay order {order} in instalments?',
        'Pay by invoice not available',
        'Received a payment reminder',
      ],
      opening: [
        'The direct debit of {amount} failed because I changed my bank account.',
        'Can I pay for order {order} in instalments?',
        'At checkout I am no longer offered payment by invoice.',
        'I received a payment reminder for {amount} and do not understand what it is for.',
      ],
      details: [
        'Please collect the amount again.',
        'Of course I will pay the returned debit fee.',
        'So far I could always pay by invoice.',
        'Which invoices are still open?',
      ],
      followUps: [
        'I have transferred the amount now.',
        'Thanks, the instalment plan is set up.',
        'Why am I still not offered payment by invoice?',
      ],
      replies: [
        'please add your new bank details to your account; we will then collect the amount again in {days} days.',
        'instalments are available for orders above €200 through our payment partner.',
        'payment by invoice depends on an automatic check that we cannot influence.',
      ],
      solutions: [
        'your payment has arrived and your account is settled.',
        'the instalment plan is set up; the first instalment is due on {date}.',
      ],
      notes: [
        'Returned debit on {date}, fee {amount}.',
        'Checked open items: {count} invoices unpaid.',
        'Payment provider declined the credit check; do not share details with the customer.',
      ],
    },
  },
]

const PRODUCTS: Record<Lang, string[]> = {
  de: [
    'der Akku',
    'das Ladegerät',
    'die Kaffeemaschine',
    'der Staubsaugerroboter',
    'das Smartphone',
    'der Router',
    'die Waschmaschine',
    'das E-Bike',
    'die Winterjacke',
    'der Laufschuh',
    'das Tablet',
    'die Spielkonsole',
    'der Drucker',
    'die Bohrmaschine',
    'der Fahrradhelm',
  ],
  en: [
    'battery',
    'charger',
    'coffee machine',
    'robot vacuum',
    'smartphone',
    'router',
    'washing machine',
    'e-bike',
    'winter jacket',
    'running shoe',
    'tablet',
    'games console',
    'printer',
    'cordless drill',
    'bike helmet',
  ],
}
/** German products without their article, for subjects and "{product} fehlt". */
const productBare = (name: string) => name.replace(/^(der|die|das) /, '')
const CARRIERS = ['DHL', 'DPD', 'Hermes', 'GLS', 'UPS']
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September']

const GREETINGS_IN: Record<Lang, string[]> = {
  de: ['Guten Tag,', 'Hallo,', 'Sehr geehrte Damen und Herren,', 'Hallo zusammen,', 'Moin,'],
  en: ['Hello,', 'Hi,', 'Dear Sir or Madam,', 'Good morning,', 'Hi there,'],
}
const CLOSINGS_IN: Record<Lang, string[]> = {
  de: ['Viele Grüße', 'Mit freundlichen Grüßen', 'Danke und Gruß', 'Beste Grüße'],
  en: ['Best regards,', 'Kind regards,', 'Thanks,', 'Many thanks,'],
}
const CLOSINGS_OUT: Record<Lang, string[]> = {
  de: ['Viele Grüße', 'Mit freundlichen Grüßen', 'Freundliche Grüße aus dem Kundenservice'],
  en: ['Kind regards,', 'Best wishes,', 'Best regards from customer care,'],
}
const FILLERS_OUT: Record<Lang, string[]> = {
  de: [
    'Vielen Dank für Ihre Nachricht und Ihre Geduld.',
    'Bei Fragen antworten Sie einfach auf diese E-Mail.',
    'Wir entschuldigen uns für die Unannehmlichkeiten.',
    'Ich habe Ihre Angaben im Kundenkonto vermerkt.',
  ],
  en: [
    'Thank you for your message and your patience.',
    'If you have any questions, simply reply to this email.',
    'We apologise for the inconvenience.',
    'I have added your details to your customer record.',
  ],
}
const FILLERS_NOTE: Record<Lang, string[]> = {
  de: [
    'Kunde telefonisch informiert.',
    'Wiedervorlage in {days} Tagen.',
    'Rückfrage an Teamleitung gestellt.',
  ],
  en: ['Customer informed by phone.', 'Follow up in {days} days.', 'Asked the team lead for approval.'],
}
const THANKS: Record<Lang, string[]> = {
  de: ['Danke für die schnelle Hilfe!', 'Vielen Dank, das hat geklappt.', 'Super, danke!'],
  en: ['Thanks for the quick help!', 'Many thanks, that worked.', 'Great, thank you!'],
}

/** Random facts of one ticket, drawn once so subject and messages agree. */
export const drawFacts = (rng: Rng, createdAt: number): TicketFacts => {
  const year = new Date(createdAt).getUTCFullYear()
  return {
    order: String(100000 + rng.int(900000)),
    invoice: `RE-${year}-${String(rng.int(100000)).padStart(5, '0')}`,
    amount: 500 + rng.int(60000),
    product: rng.int(PRODUCTS.de.length),
    tracking: `00340${rng.int(1e9)}${rng.int(1e6)}`,
    contract: `V-${100000 + rng.int(900000)}`,
    days: 2 + rng.int(12),
    count: 2 + rng.int(6),
    carrier: rng.int(CARRIERS.length),
    date: createdAt - (1 + rng.int(20)) * 86_400_000,
  }
}

const formatAmount = (cents: number, lang: Lang) => {
  const euros = Math.floor(cents / 100)
  const rest = String(cents % 100).padStart(2, '0')
  return lang === 'de' ? `${euros},${rest} €` : `€${euros}.${rest}`
}
const formatDate = (ms: number, lang: Lang) => {
  const d = new Date(ms)
  return lang === 'de'
    ? `${d.getUTCDate()}.${d.getUTCMonth() + 1}.${d.getUTCFullYear()}`
    : `${d.getUTCDate()} ${MONTHS_EN[d.getUTCMonth() % MONTHS_EN.length]}`
}

/** Fills `{slot}`s of a template with the ticket's facts. */
export const fill = (template: string, facts: TicketFacts, lang: Lang, bareProduct = false): string => {
  if (!template.includes('{')) return template
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    switch (slot) {
      case 'order':
        return facts.order
      case 'invoice':
        return facts.invoice
      case 'amount':
        return formatAmount(facts.amount, lang)
      case 'product': {
        const name = PRODUCTS[lang][facts.product]!
        return lang === 'de' && bareProduct ? productBare(name) : name
      }
      case 'tracking':
        return facts.tracking
      case 'contract':
        return facts.contract
      case 'days':
        return String(facts.days)
      case 'count':
        return String(facts.count)
      case 'carrier':
        return CARRIERS[facts.carrier]!
      case 'date':
        return formatDate(facts.date, lang)
      default:
        return slot
    }
  })
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** A topic by index (tickets keep their topic index). */
export const topicCount = TOPICS.length
export const topicTags = (topic: number) => TOPICS[topic]!.tags

/** A ticket subject. */
export const subject = (rng: Rng, topic: number, lang: Lang, facts: TicketFacts) =>
  capitalize(fill(rng.pick(TOPICS[topic]![lang].subjects), facts, lang, true))

export type MessageKind = 'first' | 'followUp' | 'reply' | 'solution' | 'note' | 'thanks'

export const MIN_BODY = 100
export const MAX_BODY = 800

/**
 * One message body of 100–800 characters: greeting, sentences of the topic until a drawn target
 * length, closing and signature. Lengths lean towards short messages, as in real mail.
 */
export const messageBody = (
  rng: Rng,
  topic: number,
  lang: Lang,
  facts: TicketFacts,
  kind: MessageKind,
  voices: Voices,
): string => {
  const p = TOPICS[topic]![lang]
  const target = MIN_BODY + Math.floor((MAX_BODY - MIN_BODY) * rng.float() ** 3)
  let head = ''
  let tail = ''
  let first: string
  let pool: string[]
  switch (kind) {
    case 'first':
      head = `${rng.pick(GREETINGS_IN[lang])}\n\n`
      tail = `\n\n${rng.pick(CLOSINGS_IN[lang])}\n${voices.customer}`
      first = rng.pick(p.opening)
      pool = p.details
      break
    case 'followUp':
      head = rng.chance(0.5) ? `${rng.pick(GREETINGS_IN[lang])}\n\n` : ''
      tail = `\n\n${rng.pick(CLOSINGS_IN[lang])}\n${voices.customer}`
      first = rng.pick(p.followUps)
      pool = p.details
      break
    case 'thanks':
      head = ''
      tail = `\n\n${rng.pick(CLOSINGS_IN[lang])}\n${voices.customer}`
      first = rng.pick(THANKS[lang])
      pool = p.followUps
      break
    case 'reply':
    case 'solution': {
      const salutation =
        lang === 'de'
          ? rng.pick(['Hallo', 'Guten Tag', 'Liebe Kundin, lieber Kunde, hallo'])
          : rng.pick(['Hello', 'Hi', 'Dear'])
      head = `${salutation} ${voices.customer},\n\n`
      tail = `\n\n${rng.pick(CLOSINGS_OUT[lang])}\n${voices.agent}`
      first = capitalize(rng.pick(kind === 'reply' ? p.replies : p.solutions))
      pool = FILLERS_OUT[lang].concat(p.replies)
      break
    }
    case 'note':
      first = rng.pick(p.notes)
      pool = FILLERS_NOTE[lang].concat(p.notes)
      break
  }
  let body = fill(first, facts, lang)
  const used = [first]
  const room = MAX_BODY - head.length - tail.length
  for (let tries = 0; tries < 12; tries++) {
    const length = head.length + body.length + tail.length
    if (length >= target && length >= MIN_BODY) break
    const template = rng.pick(pool)
    if (used.includes(template)) continue
    used.push(template)
    const next = fill(template, facts, lang)
    if (body.length + 1 + next.length > room) {
      if (length >= MIN_BODY) break
      continue
    }
    body += (rng.chance(0.3) ? '\n\n' : ' ') + next
  }
  let text = head + body + tail
  // Very rare: short pools and long names. Pad with a neutral sentence, then cut to the limit.
  while (text.length < MIN_BODY) text += ` ${FILLERS_OUT[lang][0]}`
  if (text.length > MAX_BODY) text = text.slice(0, MAX_BODY)
  return text
}
