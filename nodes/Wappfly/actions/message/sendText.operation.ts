import { recipient, textField, timeoutOnlyOptions } from '../common.descriptions';
import { getChatJid, getText, getTimeout } from '../parameters';
import { postCall, type WappflyOperation } from '../types';

export const sendText: WappflyOperation = {
	properties: [recipient, textField('The message to send'), timeoutOnlyOptions()],

	async prepare(itemIndex) {
		const to = getChatJid.call(this, itemIndex, 'to', 'To');
		const text = getText.call(this, itemIndex);
		const timeoutMs = getTimeout.call(this, itemIndex);
		return postCall('/api/messages/send', { to, text }, timeoutMs);
	},
};
