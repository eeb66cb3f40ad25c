"""What every details form shares (interest, job alert, booking): typed answers read and
checked, and the consent question as shown and recorded."""
