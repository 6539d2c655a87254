import { chatOfMessage, messageIdField, sendOptions, textField } from '../common.descriptions';
import { getPacing } from '../pacing';
import { getChatJid, getMessageId, getOptions, getText, getTimeout } from '../parameters';
import { postCall, type WappflyOperation } from '../types';

export const reply: WappflyOperation = {
	properties: [
		chatOfMessage,
		messageIdField('ID of the message to quote above the reply'),
		textField('The reply to send'),
		sendOptions(),
	],

	async prepare(itemIndex) {
		const to = getChatJid.call(this, itemIndex, 'to', 'Chat');
		const quotedMessageId = getMessageId.call(this, itemIndex);
		const text = getText.call(this, itemIndex);
		const options = getOptions.call(this, itemIndex);
		const timeoutMs = getTimeout.call(this, itemIndex, undefined, options);
		const pacing = getPacing.call(this, itemIndex, options);
		return postCall(
			'/api/messages/reply',
			{ to, text, quoted_msg_id: quotedMessageId },
			timeoutMs,
			pacing,
		);
	},
};
