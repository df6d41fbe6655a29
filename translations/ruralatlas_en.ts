<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>RuralAtlas</name>
    <message>
        <source>取消导出</source>
        <translation>Cancel export</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>BD-09（百度坐标）</source>
        <translation>BD-09 (Baidu coordinates)</translation>
    </message>
    <message>
        <source>GCJ-02（高德/腾讯坐标）</source>
        <translation>GCJ-02 (AMap/Tencent coordinates)</translation>
    </message>
    <message>
        <source>RuralAtlas 乡村规划工作台</source>
        <translation>RuralAtlas rural planning workbench</translation>
    </message>
    <message>
        <source>不透明度</source>
        <translation>Opacity</translation>
    </message>
    <message>
        <source>保存窗口截图</source>
        <translation>Save window screenshot</translation>
    </message>
    <message>
        <source>保存窗口截图…</source>
        <translation>Save window screenshot…</translation>
    </message>
    <message>
        <source>值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>全图</source>
        <translation>Full extent</translation>
    </message>
    <message>
        <source>全部文件</source>
        <translation>All files</translation>
    </message>
    <message>
        <source>分析</source>
        <translation>Analysis</translation>
    </message>
    <message>
        <source>分析结果摘要</source>
        <translation>Analysis summaries</translation>
    </message>
    <message>
        <source>分页</source>
        <translation>One page per</translation>
    </message>
    <message>
        <source>县域基础图</source>
        <translation>County base map</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>图层</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>坐标系</source>
        <translation>Coordinate system</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>字段对应</source>
        <translation>Field mapping</translation>
    </message>
    <message>
        <source>字段对应（可选），每行 目标字段=源字段，例如 name=名称</source>
        <translation>Field mapping (optional), one per line target=source, e.g. name=名称</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Imported</translation>
    </message>
    <message>
        <source>导入到</source>
        <translation>Import into</translation>
    </message>
    <message>
        <source>未能写入QGIS样式</source>
        <translation>QGIS styles not written</translation>
    </message>
    <message>
        <source>导入数据</source>
        <translation>Import data</translation>
    </message>
    <message>
        <source>导入数据…</source>
        <translation>Import data…</translation>
    </message>
    <message>
        <source>导出 PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <source>导出图集</source>
        <translation>Export atlas</translation>
    </message>
    <message>
        <source>导出图集…</source>
        <translation>Export atlas…</translation>
    </message>
    <message>
        <source>属性表</source>
        <translation>Attribute table</translation>
    </message>
    <message>
        <source>工具</source>
        <translation>Tools</translation>
    </message>
    <message>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>已定位：</source>
        <translation>Located: </translation>
    </message>
    <message>
        <source>已导出 %1 页：</source>
        <translation>Exported %1 pages: </translation>
    </message>
    <message>
        <source>已选择 %1 个要素</source>
        <translation>%1 features selected</translation>
    </message>
    <message>
        <source>平移</source>
        <translation>Pan</translation>
    </message>
    <message>
        <source>打开项目</source>
        <translation>Open project</translation>
    </message>
    <message>
        <source>连接共享服务器…</source>
        <translation>Connect to the shared server…</translation>
    </message>
    <message>
        <source>连接共享服务器</source>
        <translation>Connect to the shared server</translation>
    </message>
    <message>
        <source>服务器地址</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>端口</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>县级行政区划代码</source>
        <translation>County code</translation>
    </message>
    <message>
        <source>请填写服务器地址</source>
        <translation>Fill in the server</translation>
    </message>
    <message>
        <source>请填写数据库</source>
        <translation>Fill in the database</translation>
    </message>
    <message>
        <source>请填写用户名</source>
        <translation>Fill in the user name</translation>
    </message>
    <message>
        <source>县级行政区划代码为6位数字</source>
        <translation>A county code has 6 digits</translation>
    </message>
    <message>
        <source>同步到共享服务器…</source>
        <translation>Sync to the shared server…</translation>
    </message>
    <message>
        <source>同步到共享服务器</source>
        <translation>Sync to the shared server</translation>
    </message>
    <message>
        <source>当前项目不是从服务器检出的文件（ruralatlas pull --checkout）。</source>
        <translation>The open project is not a checkout from the server (ruralatlas pull --checkout).</translation>
    </message>
    <message>
        <source>已同步</source>
        <translation>Synced</translation>
    </message>
    <message>
        <source>保存冲突</source>
        <translation>Save conflicts</translation>
    </message>
    <message>
        <source>以下图斑在你读取后已被他人保存。请逐项选择，确认前不会写入任何内容。</source>
        <translation>These parcels were saved by someone else after you read them. Choose for each; nothing is written until you confirm.</translation>
    </message>
    <message>
        <source>请先打开一个项目（规划数据库文件或共享服务器）。</source>
        <translation>Open a project first (a project file or the shared server).</translation>
    </message>
    <message>
        <source>未保存：他人已修改其中的图斑。你的编辑都还在，可再次保存。</source>
        <translation>Not saved: someone else changed some of these parcels. Your edits are all still here; you can save again.</translation>
    </message>
    <message>
        <source>同步冲突</source>
        <translation>Sync conflicts</translation>
    </message>
    <message>
        <source>以下要素在你检出后已被他人修改。请逐项选择，确认前不会写入任何内容。</source>
        <translation>These features were changed by others since your checkout. Choose for each; nothing is written until you confirm.</translation>
    </message>
    <message>
        <source>要素</source>
        <translation>Feature</translation>
    </message>
    <message>
        <source>修改人</source>
        <translation>Changed by</translation>
    </message>
    <message>
        <source>修改时间</source>
        <translation>Changed at</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Resolution</translation>
    </message>
    <message>
        <source>（已删除）</source>
        <translation>(deleted)</translation>
    </message>
    <message>
        <source>采用服务器的</source>
        <translation>Take theirs</translation>
    </message>
    <message>
        <source>保留我的</source>
        <translation>Keep mine</translation>
    </message>
    <message>
        <source>打开项目…</source>
        <translation>Open project…</translation>
    </message>
    <message>
        <source>按文件（自动）</source>
        <translation>From the file (automatic)</translation>
    </message>
    <message>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>查找村或乡镇：名称、部分名称或代码</source>
        <translation>Find a village or township: name, part of a name, or code</translation>
    </message>
    <message>
        <source>样式</source>
        <translation>Style</translation>
    </message>
    <message>
        <source>框选</source>
        <translation>Select</translation>
    </message>
    <message>
        <source>此处没有要素</source>
        <translation>No feature here</translation>
    </message>
    <message>
        <source>每个安置点一页</source>
        <translation>One page per resettlement site</translation>
    </message>
    <message>
        <source>全县一页（总览）</source>
        <translation>One page for the county (overview)</translation>
    </message>
    <message>
        <source>每乡镇一页</source>
        <translation>One page per township</translation>
    </message>
    <message>
        <source>每村一页</source>
        <translation>One page per village</translation>
    </message>
    <message>
        <source>没有找到：</source>
        <translation>Not found: </translation>
    </message>
    <message>
        <source>测量</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>添加分析结果</source>
        <translation>Add analysis result</translation>
    </message>
    <message>
        <source>添加分析结果…</source>
        <translation>Add analysis result…</translation>
    </message>
    <message>
        <source>点击“预览”查看第一页</source>
        <translation>Click “Preview” to see the first page</translation>
    </message>
    <message>
        <source>版式</source>
        <translation>Layout</translation>
    </message>
    <message>
        <source>用“识别”工具点击地图上的要素</source>
        <translation>Click a feature on the map with the Identify tool</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <source>矢量与表格</source>
        <translation>Vector and table files</translation>
    </message>
    <message>
        <source>筛选</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>筛选：包含此文字的行</source>
        <translation>Filter: rows containing this text</translation>
    </message>
    <message>
        <source>结果文件</source>
        <translation>Result file</translation>
    </message>
    <message>
        <source>编码</source>
        <translation>Encoding</translation>
    </message>
    <message>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>自动识别</source>
        <translation>Detect automatically</translation>
    </message>
    <message>
        <source>规划数据库</source>
        <translation>Planning database</translation>
    </message>
    <message>
        <source>视图</source>
        <translation>View</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>识别</source>
        <translation>Identify</translation>
    </message>
    <message>
        <source>识别结果</source>
        <translation>Identify</translation>
    </message>
    <message>
        <source>请先打开项目。</source>
        <translation>Open a project first.</translation>
    </message>
    <message>
        <source>跳过有错误的行</source>
        <translation>Skip rows with errors</translation>
    </message>
    <message>
        <source>代码或编号已在项目中的行：更新该要素</source>
        <translation>Rows whose code or id is in the project already: update that feature</translation>
    </message>
    <message>
        <source>不勾选时，这样的行按错误处理，不会重复写入</source>
        <translation>Unticked, such rows are errors and nothing is written twice</translation>
    </message>
    <message>
        <source>输出</source>
        <translation>Output</translation>
    </message>
    <message>
        <source>运行</source>
        <translation>Run</translation>
    </message>
    <message>
        <source>运行中…</source>
        <translation>running…</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>重新启动后生效。</source>
        <translation>Takes effect after a restart.</translation>
    </message>
    <message>
        <source>长度</source>
        <translation>Length</translation>
    </message>
    <message>
        <source>面积</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>项目中没有这个图层</source>
        <translation>The project has no such layer</translation>
    </message>
    <message>
        <source>预览</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>预览完成</source>
        <translation>Preview ready</translation>
    </message>
    <message>
        <source>（注记）</source>
        <translation> (labels)</translation>
    </message>
    <message>
        <source>（默认）</source>
        <translation>(default)</translation>
    </message>
    <message>
        <source>（默认：按标准）</source>
        <translation>(default: from the standards)</translation>
    </message>
    <message>
        <source>多边形选择</source>
        <translation>Select by polygon</translation>
    </message>
    <message>
        <source>千米</source>
        <translation>km</translation>
    </message>
    <message>
        <source>米</source>
        <translation>m</translation>
    </message>
    <message>
        <source>北</source>
        <translation>N</translation>
    </message>
    <message>
        <source>图例</source>
        <translation>Legend</translation>
    </message>
    <message>
        <source>%1  数据日期：%2  坐标系：CGCS2000 / 3度带高斯-克吕格投影（EPSG:%3）</source>
        <translation>%1  Data date: %2  CRS: CGCS2000 / 3-degree Gauss-Kruger (EPSG:%3)</translation>
    </message>
    <message>
        <source>  【合成演示数据，非真实数据】</source>
        <translation>  [Synthetic demo data, not real]</translation>
    </message>
    <message>
        <source>RuralAtlas 地图</source>
        <translation>RuralAtlas map</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>类别 %1</source>
        <translation>Class %1</translation>
    </message>
    <message>
        <source>地图</source>
        <translation> map</translation>
    </message>
    <message>
        <source>注：</source>
        <translation>Note: </translation>
    </message>
    <message>
        <source>未录入</source>
        <translation>Not recorded</translation>
    </message>
    <message>
        <source>（未录入）</source>
        <translation>(not recorded)</translation>
    </message>
    <message>
        <source>无数据（未录入）</source>
        <translation>No data (not recorded)</translation>
    </message>
    <message>
        <source>乡镇界为近似：由村委会点位推算（泰森多边形按乡镇合并），非法定界线</source>
        <translation>Township areas are approximate: built from village points (Voronoi cells merged per township), not legal boundaries</translation>
    </message>
    <message>
        <source>县界取自高德地图公开行政区轮廓（约2018年，由GCJ-02转换），仅作示意，非法定界线</source>
        <translation>County outline from AMap's public district outline (about 2018, converted from GCJ-02), for orientation only, not the legal boundary</translation>
    </message>
    <message>
        <source>村委会位置取自国家统计局2016年公开点位（由GCJ-02转换），仅作示意</source>
        <translation>Village locations from the NBS 2016 public points (converted from GCJ-02), for orientation only</translation>
    </message>
    <message>
        <source>选址</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>在地图上选择安置点并求解…</source>
        <translation>Choose resettlement sites on the map…</translation>
    </message>
    <message>
        <source>选址：易地搬迁安置点</source>
        <translation>Choose resettlement sites</translation>
    </message>
    <message>
        <source>候选点图层</source>
        <translation>Candidate layer</translation>
    </message>
    <message>
        <source>p-中位（总出行最少）</source>
        <translation>p-median (least total travel)</translation>
    </message>
    <message>
        <source>最大覆盖（标准内人口最多）</source>
        <translation>Maximal covering (most people within the standard)</translation>
    </message>
    <message>
        <source>集合覆盖（覆盖全部的最少点数）</source>
        <translation>Set covering (fewest sites covering everyone)</translation>
    </message>
    <message>
        <source>p-中心（最远出行最短）</source>
        <translation>p-center (shortest worst trip)</translation>
    </message>
    <message>
        <source>问题类型</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>选址数量（含固定点）</source>
        <translation>Sites to open (kept ones included)</translation>
    </message>
    <message>
        <source>道路通行时间</source>
        <translation>Road travel time</translation>
    </message>
    <message>
        <source>直线距离</source>
        <translation>Straight-line distance</translation>
    </message>
    <message>
        <source>出行方式</source>
        <translation>Travel</translation>
    </message>
    <message>
        <source> 分钟</source>
        <translation> min</translation>
    </message>
    <message>
        <source>覆盖半径</source>
        <translation>Covering radius</translation>
    </message>
    <message>
        <source> 米</source>
        <translation> m</translation>
    </message>
    <message>
        <source>用“选址”工具点击地图上的候选点：候选 → 固定 → 排除；或在表中选择状态。</source>
        <translation>Click candidates on the map with the Site tool: candidate → kept → left out; or choose the state in the table.</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>求解并绘制</source>
        <translation>Solve and draw</translation>
    </message>
    <message>
        <source>此处没有候选点</source>
        <translation>No candidate here</translation>
    </message>
    <message>
        <source>候选</source>
        <translation>Candidate</translation>
    </message>
    <message>
        <source>固定</source>
        <translation>Kept</translation>
    </message>
    <message>
        <source>排除</source>
        <translation>Left out</translation>
    </message>
    <message>
        <source>无法求解：另一项分析正在运行，或没有候选点</source>
        <translation>Cannot solve: another analysis is running, or there are no candidates</translation>
    </message>
    <message>
        <source>开始编辑</source>
        <translation>Start editing</translation>
    </message>
    <message>
        <source>结束编辑</source>
        <translation>Stop editing</translation>
    </message>
    <message>
        <source>村</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>拖动折点移动（相邻图斑一起移动）；双击边界添加折点；右键删除折点</source>
        <translation>Drag a vertex to move it (neighbouring parcels move with it); double-click a boundary to add a vertex; right-click to delete one</translation>
    </message>
    <message>
        <source>先选择图斑，再画一条从边界出发、回到边界的线</source>
        <translation>Select a parcel, then draw a line that leaves its boundary and comes back to it</translation>
    </message>
    <message>
        <source>画一条穿过图斑的线，双击结束</source>
        <translation>Draw a line across a parcel; double-click to finish</translation>
    </message>
    <message>
        <source>单击添加角点，双击闭合；新图斑从其下的图斑中切出</source>
        <translation>Click to add corners, double-click to close; the new parcel is cut out of the parcels under it</translation>
    </message>
    <message>
        <source>从现状复制</source>
        <translation>Copy from current</translation>
    </message>
    <message>
        <source>合并所选</source>
        <translation>Merge selected</translation>
    </message>
    <message>
        <source>删除所选</source>
        <translation>Delete selected</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>重做</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>放弃编辑</source>
        <translation>Discard edits</translation>
    </message>
    <message>
        <source>打印本村规划图…</source>
        <translation>Print this village's plan maps…</translation>
    </message>
    <message>
        <source>放弃自上次保存以来的全部编辑？</source>
        <translation>Discard every edit since the last save?</translation>
    </message>
    <message>
        <source>打印本村规划图</source>
        <translation>Print this village's plan maps</translation>
    </message>
    <message>
        <source>图集按已保存的数据出图。先保存编辑吗？</source>
        <translation>The atlas prints the saved data. Save the edits first?</translation>
    </message>
    <message>
        <source>用地用海分类（2023）</source>
        <translation>Land-use classes (2023)</translation>
    </message>
    <message>
        <source>按代码或名称查找，如 0703 或 宅基地</source>
        <translation>Find by code or name, e.g. 0703 or 宅基地</translation>
    </message>
    <message>
        <source>赋予所选图斑</source>
        <translation>Assign to selected parcels</translation>
    </message>
    <message>
        <source>实时检查</source>
        <translation>Live checks</translation>
    </message>
    <message>
        <source>用地平衡与管控指标</source>
        <translation>Land-use balance and control targets</translation>
    </message>
    <message>
        <source>用地</source>
        <translation>Land use</translation>
    </message>
    <message>
        <source>现状（公顷）</source>
        <translation>Current (ha)</translation>
    </message>
    <message>
        <source>规划（公顷）</source>
        <translation>Planned (ha)</translation>
    </message>
    <message>
        <source>增减（公顷）</source>
        <translation>Change (ha)</translation>
    </message>
    <message>
        <source>编辑历史</source>
        <translation>Edit history</translation>
    </message>
    <message>
        <source>村庄规划编辑</source>
        <translation>Village plan editing</translation>
    </message>
    <message>
        <source>恢复未保存的编辑</source>
        <translation>Recover unsaved edits</translation>
    </message>
    <message>
        <source>上次编辑该村规划时程序意外退出，留下了未保存的编辑（%1步）。是否恢复？</source>
        <translation>The program stopped unexpectedly while this village's plan was edited, leaving unsaved edits (%1 steps). Recover them?</translation>
    </message>
    <message>
        <source>该村还没有规划图斑：可“从现状复制”，在现状基础上编制规划。</source>
        <translation>This village has no planned parcels yet: use "Copy from current" to draft the plan from the current land use.</translation>
    </message>
    <message>
        <source>有未保存的编辑。保存吗？</source>
        <translation>There are unsaved edits. Save them?</translation>
    </message>
    <message>
        <source>保存村庄规划</source>
        <translation>Save village plan</translation>
    </message>
    <message>
        <source>保存失败，项目未改动：</source>
        <translation>Saving failed; the project is unchanged: </translation>
    </message>
    <message>
        <source>已保存。</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <source>请先选择图斑。</source>
        <translation>Select parcels first.</translation>
    </message>
    <message>
        <source>分割线没有经过图斑。</source>
        <translation>The split line crosses no parcel.</translation>
    </message>
    <message>
        <source>请先选择要修整的图斑。</source>
        <translation>Select the parcel to reshape first.</translation>
    </message>
    <message>
        <source>%1个规划图斑</source>
        <translation>%1 planned parcels</translation>
    </message>
    <message>
        <source>已选%1个</source>
        <translation>%1 selected</translation>
    </message>
    <message>
        <source>%1处未保存</source>
        <translation>%1 unsaved changes</translation>
    </message>
    <message>
        <source>检查</source>
        <translation>check</translation>
    </message>
    <message>
        <source>选择一个村，开始编辑其规划图斑。</source>
        <translation>Choose a village and start editing its planned parcels.</translation>
    </message>
    <message>
        <source>没有发现问题。</source>
        <translation>No problem found.</translation>
    </message>
    <message>
        <source>无法计算</source>
        <translation>cannot be computed</translation>
    </message>
    <message>
        <source>公顷</source>
        <translation>ha</translation>
    </message>
    <message>
        <source>下限</source>
        <translation>floor</translation>
    </message>
    <message>
        <source>上限</source>
        <translation>ceiling</translation>
    </message>
    <message>
        <source>（已保存的状态）</source>
        <translation>(saved state)</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>村庄规划编辑…</source>
        <translation>Village plan editing…</translation>
    </message>
    <message>
        <source>选择图斑</source>
        <translation>Select parcels</translation>
    </message>
    <message>
        <source>绘制图斑</source>
        <translation>Draw parcel</translation>
    </message>
    <message>
        <source>分割</source>
        <translation>Split</translation>
    </message>
    <message>
        <source>修整边界</source>
        <translation>Reshape</translation>
    </message>
    <message>
        <source>编辑折点</source>
        <translation>Edit vertices</translation>
    </message>
    <message>
        <source>新图斑避让已有图斑（不切割）</source>
        <translation>New parcels avoid existing ones (no cutting)</translation>
    </message>
    <message>
        <source>勾选后新绘图斑只取未被占用的部分，围绕已有图斑绘制时形成带洞的图斑</source>
        <translation>When checked, a new parcel takes only the uncovered area; drawn around an existing parcel it gets a hole</translation>
    </message>
    <message>
        <source> 像素</source>
        <translation> px</translation>
    </message>
    <message>
        <source>吸附到图斑、村界、道路和管控区的折点与边（0：不吸附）</source>
        <translation>Snap to vertices and edges of parcels, the village boundary, roads and constraints (0: no snapping)</translation>
    </message>
    <message>
        <source>吸附容差</source>
        <translation>Snapping</translation>
    </message>
    <message>
        <source>图斑属性</source>
        <translation>Parcel fields</translation>
    </message>
    <message>
        <source>用地代码</source>
        <translation>Land-use code</translation>
    </message>
    <message>
        <source>点选</source>
        <translation>Pick</translation>
    </message>
    <message>
        <source>在地图上点击一个村的村域，选中该村</source>
        <translation>Click a village's territory on the map to choose it</translation>
    </message>
    <message>
        <source>在地图上点击要编辑的村。</source>
        <translation>Click the village to edit on the map.</translation>
    </message>
    <message>
        <source>此处不在任何村的村域内。</source>
        <translation>This point is in no village's territory.</translation>
    </message>
    <message>
        <source>已选中：</source>
        <translation>Chosen: </translation>
    </message>
    <message>
        <source>。点“开始编辑”。</source>
        <translation>. Click "Start editing".</translation>
    </message>
</context>
</TS>
