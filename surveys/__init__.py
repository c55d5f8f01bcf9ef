"""Co-design surveys and themed, anonymised insight for the People's Partnership.

Built on the same directory database and embedding model as search; it never imports the portal.
"""
