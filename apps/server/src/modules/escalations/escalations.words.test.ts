import { describe, expect, it } from 'vitest'
import {
  BUILT_IN_COMPLAINT_WORDS,
  complaintMatcher,
  complaintWordsInForce,
  ownText,
} from './escalations.words.ts'

const builtIn = complaintMatcher(BUILT_IN_COMPLAINT_WORDS)

describe('complaint words', () => {
  it.each([
    ['Ich möchte mich beschweren.', ['beschweren']],
    ['Das ist eine Frechheit!', ['Frechheit']],
    ['Ich schalte meinen Anwalt ein.', ['Anwalt']],
    ['Meine Anwältin meldet sich.', ['Anwältin*']],
    ['Hiermit kündige ich fristlos.', ['kündige']],
    ['Ich will KÜNDIGEN', ['kündigen']],
    ['Die Kündigungsbestätigung fehlt', ['Kündigung*']],
    ['Formelle Beschwerdeführung', ['Beschwerde*']],
    ['This is unacceptable.', ['unacceptable']],
    ['I will call my lawyer', ['lawyer*']],
    ['I want to cancel my contract', ['cancel']],
    ['We may take legal   action', ['legal action']],
    ['I am filing a complaint', ['complaint*']],
  ])('finds %j', (text, words) => {
    expect(builtIn(text)).toEqual(words)
  })

  it.each([
    'Vielen Dank für die schnelle Hilfe!',
    'Die Bestellung wurde storniert, alles gut.',
    'Please do not cancelled-ish things', // "cancelled" is not in the list and not a whole word "cancel"
    'Der Anwaltsberuf ist spannend', // "Anwalt" as a whole word only
    'Susi-Ellen hat angerufen',
    'Suez canal',
    '',
  ])('finds nothing in %j', (text) => {
    expect(builtIn(text)).toEqual([])
  })

  it('treats umlauts and ß like their plain letters', () => {
    expect(complaintMatcher(['Anwältin'])('anwaltin')).toEqual(['Anwältin'])
    expect(complaintMatcher(['Strasse*'])('Straße')).toEqual(['Strasse*'])
  })

  it('takes the extra words and leaves out the ignored ones, each once', () => {
    const words = complaintWordsInForce(['Schlichtungsstelle', 'CANCEL'], ['cancel', 'sue'])
    expect(words).toContain('Schlichtungsstelle')
    expect(words).toContain('CANCEL') // ignored as built in, given again as extra
    expect(words).not.toContain('sue')
    expect(words.filter((w) => w.toLowerCase() === 'cancel')).toHaveLength(1)
    expect(complaintMatcher(words)('Ich rufe die Schlichtungsstelle an')).toEqual(['Schlichtungsstelle'])
  })

  it('judges only what the customer wrote, not the quoted answer', () => {
    const mail = [
      'Danke, passt so.',
      '',
      'Am 3. Dezember 2026 um 10:00 schrieb Tresen Support:',
      '> Sie können jederzeit kündigen.',
    ].join('\n')
    expect(builtIn(ownText(mail))).toEqual([])
    expect(builtIn(ownText('Ok\n> cancel anytime\nBut this is unacceptable'))).toEqual(['unacceptable'])
    expect(ownText('Hallo\n-----Original Message-----\nkündigen')).toBe('Hallo')
  })
})
