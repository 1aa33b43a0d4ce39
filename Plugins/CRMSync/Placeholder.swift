enum CRMSyncPlaceholder {}
