enum TicketingLinkPlaceholder {}
