/**
 * WhatsApp addresses as Wappfly wants them: `<digits>@s.whatsapp.net` for a person,
 * `<id>@g.us` for a group. Users type numbers in every national and international style,
 * so everything that unambiguously names one number is accepted and normalised here.
 */

export const USER_JID_SUFFIX = '@s.whatsapp.net';
export const GROUP_JID_SUFFIX = '@g.us';

export const RECIPIENT_EXAMPLES =
	'+15551234567, 0015551234567, 15551234567@s.whatsapp.net or a group like 120363025246125244@g.us';

const MIN_PHONE_DIGITS = 7;
const MAX_PHONE_DIGITS = 15; // E.164

const USER_JID = /^(\d+)(?::\d+)?@(?:s\.whatsapp\.net|c\.us)$/i;
const GROUP_JID = /^(\d{10,25}(?:-\d{8,12})?)@g\.us$/i;
const PHONE_PUNCTUATION = /[\s().\-\u00a0\u2010-\u2015/]/g;

export type JidResult = { ok: true; jid: string } | { ok: false; reason: string };

function phoneToJid(digits: string): JidResult {
	if (digits.length < MIN_PHONE_DIGITS || digits.length > MAX_PHONE_DIGITS) {
		return {
			ok: false,
			reason: `a phone number has ${MIN_PHONE_DIGITS} to ${MAX_PHONE_DIGITS} digits with its country code, this one has ${digits.length}`,
		};
	}
	return { ok: true, jid: `${digits}${USER_JID_SUFFIX}` };
}

/** Normalises a phone number or a JID to the JID the API expects. */
export function normalizeJid(input: unknown): JidResult {
	if (typeof input === 'number' && Number.isSafeInteger(input) && input > 0) {
		return phoneToJid(String(input));
	}
	if (input === undefined || input === null) return { ok: false, reason: 'it is empty' };
	if (typeof input !== 'string') return { ok: false, reason: 'it is not text' };
	const value = input.trim();
	if (value === '') return { ok: false, reason: 'it is empty' };

	if (value.includes('@')) {
		const group = GROUP_JID.exec(value);
		if (group) return { ok: true, jid: `${group[1]}${GROUP_JID_SUFFIX}` };
		const user = USER_JID.exec(value);
		if (user) return phoneToJid(user[1]);
		if (/@lid$/i.test(value)) {
			return {
				ok: false,
				reason: 'LID addresses are not accepted by the API, use the phone number',
			};
		}
		return { ok: false, reason: 'it is not a WhatsApp user or group JID' };
	}

	const compact = value.replace(PHONE_PUNCTUATION, '');
	let digits: string;
	if (compact.startsWith('+')) digits = compact.slice(1);
	else if (compact.startsWith('00')) digits = compact.slice(2);
	else digits = compact;

	if (!/^\d+$/.test(digits)) return { ok: false, reason: 'it has characters other than digits' };
	if (!compact.startsWith('+') && !compact.startsWith('00') && digits.startsWith('0')) {
		return {
			ok: false,
			reason: 'it starts with a national trunk 0: write it with its country code instead',
		};
	}
	return phoneToJid(digits);
}

export function isGroupJid(jid: string): boolean {
	return jid.endsWith(GROUP_JID_SUFFIX);
}

/** The bare phone number of a user JID (`15551234567:33@s.whatsapp.net` -> `15551234567`). */
export function phoneNumberOf(jid: string): string | undefined {
	return USER_JID.exec(jid)?.[1];
}
