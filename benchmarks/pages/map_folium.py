"""Floor page of ``bench_app.py --floor``: only the app's map, through streamlit-folium's
iframe, and one sidebar filter."""

import streamlit as st
from _floor import map_layers
from streamlit_folium import st_folium

from dzgeo.web import views as webmap

st.set_page_config(layout="wide")
st.sidebar.multiselect("产业", ["新能源", "高端装备"])
parts = webmap.build_map(*st.cache_resource(map_layers)())
st_folium(
    parts.map,
    key="dzmap",
    height=700,
    use_container_width=True,
    returned_objects=[],
    feature_group_to_add=parts.overlays,
    layer_control=parts.control,
)
