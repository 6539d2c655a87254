import { isGroupJid, normalizeJid, phoneNumberOf } from '../../nodes/shared/jid';

describe('normalizeJid accepts every common way of writing one number', () => {
	test.each([
		['+1 (555) 123-4567', '15551234567@s.whatsapp.net'],
		['0015551234567', '15551234567@s.whatsapp.net'],
		['15551234567', '15551234567@s.whatsapp.net'],
		['+44 7700 900123', '447700900123@s.whatsapp.net'],
		['+49 151 1234-5678', '4915112345678@s.whatsapp.net'],
		['+90.545.155.24.24', '905451552424@s.whatsapp.net'],
		['  +1\u00a0555\u2011123\u20134567 ', '15551234567@s.whatsapp.net'],
		['15551234567@s.whatsapp.net', '15551234567@s.whatsapp.net'],
		['15551234567:33@s.whatsapp.net', '15551234567@s.whatsapp.net'],
		['15551234567@c.us', '15551234567@s.whatsapp.net'],
		['15551234567@S.WHATSAPP.NET', '15551234567@s.whatsapp.net'],
		['120363025246125244@g.us', '120363025246125244@g.us'],
		['15551234567-1612345678@g.us', '15551234567-1612345678@g.us'],
		[15551234567, '15551234567@s.whatsapp.net'],
	])('%j -> %s', (input, jid) => {
		expect(normalizeJid(input)).toEqual({ ok: true, jid });
	});
});

describe('normalizeJid rejects what names no single WhatsApp chat, saying why', () => {
	test.each([
		[undefined, 'it is empty'],
		[null, 'it is empty'],
		['', 'it is empty'],
		['   ', 'it is empty'],
		[{ phone: 1 }, 'it is not text'],
		[-15551234567, 'it is not text'],
		['555-123', '7 to 15 digits'],
		['+1234567890123456', 'this one has 16'],
		['05551234567', 'national trunk 0'],
		['+1 555 CALL NOW', 'characters other than digits'],
		['1555@s.whatsapp.net', '7 to 15 digits'],
		['265777475281011@lid', 'LID addresses'],
		['alice@example.com', 'not a WhatsApp user or group JID'],
		['123@g.us', 'not a WhatsApp user or group JID'],
		['15551234567@s.whatsapp.net/extra', 'not a WhatsApp user or group JID'],
	])('%j', (input, reason) => {
		const result = normalizeJid(input);
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.reason).toContain(reason);
	});
});

test('isGroupJid and phoneNumberOf', () => {
	expect(isGroupJid('120363025246125244@g.us')).toBe(true);
	expect(isGroupJid('15551234567@s.whatsapp.net')).toBe(false);
	expect(phoneNumberOf('15551234567:33@s.whatsapp.net')).toBe('15551234567');
	expect(phoneNumberOf('120363025246125244@g.us')).toBeUndefined();
});
