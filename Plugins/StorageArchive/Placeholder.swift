enum StorageArchivePlaceholder {}
