"""Evidence (证据) and the full-process record (全过程记录): files, custody chain, case timeline."""
