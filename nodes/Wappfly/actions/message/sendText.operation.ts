import { recipient, sendOptions, textField } from '../common.descriptions';
import { getPacing } from '../pacing';
import { getChatJid, getOptions, getText, getTimeout } from '../parameters';
import { postCall, type WappflyOperation } from '../types';

export const sendText: WappflyOperation = {
	properties: [recipient, textField('The message to send'), sendOptions()],

	async prepare(itemIndex) {
		const to = getChatJid.call(this, itemIndex, 'to', 'To');
		const text = getText.call(this, itemIndex);
		const options = getOptions.call(this, itemIndex);
		const timeoutMs = getTimeout.call(this, itemIndex, undefined, options);
		const pacing = getPacing.call(this, itemIndex, options);
		return postCall('/api/messages/send', { to, text }, timeoutMs, pacing);
	},
};
