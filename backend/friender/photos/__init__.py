"""Profile photos: upload (multipart, ZIP, direct to storage), order, download, delete."""
