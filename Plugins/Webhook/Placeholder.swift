enum WebhookPlaceholder {}
