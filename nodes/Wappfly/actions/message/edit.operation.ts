import {
	chatOfMessage,
	messageIdField,
	textField,
	timeoutOnlyOptions,
} from '../common.descriptions';
import { getChatJid, getMessageId, getText, getTimeout } from '../parameters';
import { postCall, type WappflyOperation } from '../types';

export const edit: WappflyOperation = {
	properties: [
		chatOfMessage,
		messageIdField(
			'ID of a message this line sent. WhatsApp allows edits for about 15 minutes after sending.',
		),
		textField('The new text of the message'),
		timeoutOnlyOptions(),
	],

	async prepare(itemIndex) {
		const to = getChatJid.call(this, itemIndex, 'to', 'Chat');
		const targetMessageId = getMessageId.call(this, itemIndex);
		const text = getText.call(this, itemIndex, 'New text');
		const timeoutMs = getTimeout.call(this, itemIndex);
		return postCall('/api/messages/edit', { to, text, target_msg_id: targetMessageId }, timeoutMs);
	},
};
