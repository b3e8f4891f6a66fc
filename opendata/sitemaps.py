from scrutiny.sitemap_index import static_sitemap

SITEMAPS = {"opendata": static_sitemap("search", "open-data")}
